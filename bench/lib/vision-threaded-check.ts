/** Thread body for the vision bench: does tfjs-backend-wasm's threaded SIMD binary start here? Posts one line. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const errors: string[] = [];
console.warn = (...a: unknown[]): void => void errors.push(a.map(String).join(' '));
console.error = console.warn;
console.log = console.warn;
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
setThreadsCount(2);
let answer: string;
try {
  answer = (await tf.setBackend('wasm')) ? 'starts' : `does not start: ${(errors.find((e) => /Error/.test(e)) ?? 'setBackend answered false').split('\n').find((l) => /Error/.test(l))?.trim().slice(0, 200)}`;
} catch (err) {
  answer = `does not start: ${String(err).slice(0, 200)}`;
}
parentPort!.postMessage(answer);

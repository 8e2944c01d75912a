import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a TypeScript module. The gateway runs its sources through tsx, whose
 * loader hooks Node 20 does not pass to worker threads: the thread registers them first.
 * (The same approach as the entry writer's thread in src/access.)
 */
export function spawnTsWorker(module: URL, workerData: unknown): Worker {
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  const tsx = typeof resolve === 'function' ? resolve('tsx/esm/api') : pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(code, { eval: true, workerData });
}

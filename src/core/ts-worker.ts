import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a TypeScript module. The gateway runs its sources through tsx, whose
 * loader hooks are not inherited by worker threads in Node 20: the thread registers them first.
 * Used by the entry writer (src/access) and the vision detector (src/vision).
 */
export function spawnTsWorker(module: URL, workerData: unknown): Worker {
  const tsx = tsxEsmApi();
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(code, { eval: true, workerData });
}

/** tsx's ESM API, resolved from here (an eval worker would resolve a bare name from the working directory). */
function tsxEsmApi(): string {
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  if (typeof resolve === 'function') return resolve('tsx/esm/api');
  // Where import.meta.resolve is missing (vitest): the require condition of the same export, whose ESM twin sits beside it.
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
}

import { Worker } from 'node:worker_threads';

/**
 * Start a worker thread on the module next to `from` named `name` (`.ts` when running from the
 * TypeScript sources, `.js` from the build). From sources (tsx, tests, benches) the loader hooks of
 * `--import tsx` do not reach a worker's entry module, so the worker registers them itself first.
 */
export function startWorkerThread(from: string, name: string, workerData: unknown): Worker {
  const fromSource = from.endsWith('.ts');
  const url = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, from);
  if (!fromSource) return new Worker(url, { workerData });
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

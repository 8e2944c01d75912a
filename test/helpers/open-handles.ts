import { createHook } from 'node:async_hooks';

/** Resource types that keep a process alive: sockets, servers, timers, child processes. */
const WATCHED = new Set(['TCPWRAP', 'TCPSERVERWRAP', 'Timeout', 'PROCESSWRAP', 'UDPWRAP', 'PIPEWRAP', 'PIPESERVERWRAP', 'FSEVENTWRAP', 'TTYWRAP']);

export interface HandleTracker {
  /** Resources created since start() that are still alive, with where they were created. */
  open(): Array<{ type: string; stack: string }>;
  stop(): void;
}

/**
 * Records every socket, server, timer and child process created from now on, and whether it has
 * been destroyed. Used to check that a service's stop() frees everything its start() opened.
 */
export function trackHandles(): HandleTracker {
  const alive = new Map<number, { type: string; stack: string }>();
  const hook = createHook({
    init(asyncId, type) {
      if (WATCHED.has(type)) alive.set(asyncId, { type, stack: new Error().stack?.split('\n').slice(3, 9).join('\n') ?? '' });
    },
    destroy(asyncId) {
      alive.delete(asyncId);
    },
  });
  hook.enable();
  return {
    open: () =>
      [...alive.values()].filter(
        // process.stdout/stderr are created lazily by whoever first touches them and live for the
        // whole process; the waiting helper's own timer is the test's, not the service's.
        (r) => !/getStdout|getStderr/.test(r.stack) && !r.stack.includes('test/helpers/wait.ts'),
      ),
    stop: () => hook.disable(),
  };
}

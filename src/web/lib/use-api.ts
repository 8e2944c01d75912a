import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  /** Fetches again (keeps showing the previous data meanwhile). */
  reload: () => void;
}

/** GETs `path` when it changes (null: nothing); the newest answer wins, errors keep the gateway's message. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    if (!path) return;
    const mine = ++latest.current;
    const controller = new AbortController();
    api<T>(path, { signal: controller.signal }).then(
      (answer) => {
        if (mine !== latest.current) return;
        setData(answer);
        setError(null);
      },
      (err: Error) => {
        if (mine === latest.current && err.name !== 'AbortError') setError(err.message);
      },
    );
    return () => controller.abort();
  }, [path, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data, error, reload };
}

/** Calls `fn` `ms` after the first of a burst of triggers, once (live updates that refresh a summary). */
export function useCoalesced(fn: () => void, ms: number): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latestFn = useRef(fn);
  latestFn.current = fn;
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      latestFn.current();
    }, ms);
  }, [ms]);
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../lib/api.js';

/** The QR text of a gateway visitor pass starts with this (devices/mqtt-barrier/passes-protocol.ts). */
const PASS_PREFIX = 'CGV1.';
const RETRY_MS = 1500;

interface Tagged {
  id: number;
  credential: { type: string; value: string };
}

/**
 * The visitor's name for each entry made with a visitor pass (entry id -> name), fetched from
 * `/api/visitors/entries` for entries not yet asked about; asked once more a moment later when the
 * gateway had not tagged a fresh entry yet.
 */
export function useVisitorTags(entries: readonly Tagged[]): ReadonlyMap<number, string> {
  const [tags, setTags] = useState<ReadonlyMap<number, string>>(new Map());
  const asked = useRef(new Map<number, number>());
  useEffect(() => {
    const ask = (ids: number[]) => {
      if (ids.length === 0) return;
      for (const id of ids) asked.current.set(id, (asked.current.get(id) ?? 0) + 1);
      api<{ entries: Array<{ entryId: number; name: string }> }>(`/api/visitors/entries?ids=${ids.join(',')}`).then(
        (answer) => {
          if (answer.entries.length) setTags((old) => new Map([...old, ...answer.entries.map((e) => [e.entryId, e.name] as const)]));
          const missing = ids.filter((id) => !answer.entries.some((e) => e.entryId === id) && (asked.current.get(id) ?? 0) < 2);
          if (missing.length) setTimeout(() => ask(missing), RETRY_MS);
        },
        () => undefined,
      );
    };
    ask(entries.filter((e) => e.credential.type === 'qr' && e.credential.value.startsWith(PASS_PREFIX) && !asked.current.has(e.id)).map((e) => e.id).slice(0, 500));
  }, [entries]);
  return tags;
}

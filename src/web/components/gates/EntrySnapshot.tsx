import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import type { StoredEntry } from '../../lib/access.js';

/** The entry's snapshot when the barrier sent an address the gateway can fetch; its file name otherwise. */
export function EntrySnapshot({ entry }: { entry: StoredEntry }) {
  const [failed, setFailed] = useState(false);
  const [large, setLarge] = useState(false);
  if (!entry.snapshot) return null;
  const fetchable = /^https?:\/\//i.test(entry.snapshot);
  if (!fetchable || failed) {
    return (
      <span class="muted snapshot-ref" title={t('gates.snapshotOnBarrier')}>
        {t('gates.snapshotRef')}
      </span>
    );
  }
  return (
    <img
      class={large ? 'snapshot large' : 'snapshot'}
      src={`/api/access/entries/${entry.id}/snapshot`}
      alt={t('gates.snapshotOf', { value: entry.credential.value })}
      loading="lazy"
      onError={() => setFailed(true)}
      onClick={() => setLarge(!large)}
    />
  );
}

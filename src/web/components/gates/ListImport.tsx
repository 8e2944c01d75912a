import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';

/** Admins import allow/deny lists from a CSV file (all or nothing: the gateway names every bad line). */
export function ListImport({ onImported, onError }: { onImported: () => void; onError: (message: string) => void }) {
  const [replace, setReplace] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const pick = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setDone(null);
    try {
      const csv = await file.text();
      const result = await api<{ imported: number; removed: number }>(`/api/access/lists/import${replace ? '?replace=true' : ''}`, { method: 'POST', body: { csv } });
      setDone(t('gates.lists.importDone', { imported: result.imported, removed: result.removed }));
      onImported();
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
    } finally {
      input.value = '';
    }
  };
  return (
    <div class="list-import">
      <label>
        {t('gates.lists.import')}
        <input type="file" name="list-csv" accept=".csv,text/csv" onChange={pick} />
      </label>
      <label>
        <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.currentTarget.checked)} /> {t('gates.lists.importReplace')}
      </label>
      <p class="muted">{t('gates.lists.importHint')}</p>
      {done && (
        <p class="ok" role="status">
          {done}
        </p>
      )}
    </div>
  );
}

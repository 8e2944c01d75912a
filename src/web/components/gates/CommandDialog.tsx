import { useEffect, useRef, useState } from 'preact/hooks';
import { lookup, t } from '../../i18n/index.js';
import { ApiError } from '../../lib/api.js';
import { commandBarrier, type BarrierCommand } from '../../lib/access.js';
import { deviceName } from '../../lib/site.js';

export interface PendingCommand {
  barrier: string;
  command: BarrierCommand;
}

/** The gateway's error in words an officer understands, keeping its own message. */
function commandError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // A message the gateway gave by code is already in the officer's language and says it all.
  if (err instanceof ApiError && err.messageCode && message !== err.english) return message;
  if (err instanceof ApiError && err.status === 504) return t('gates.err.timeout', { message });
  if (err instanceof ApiError && err.status === 503) return t('gates.err.offline', { message });
  if (err instanceof ApiError && err.status === 502) return t('gates.err.failed', { message });
  return t('error.generic', { message });
}

/**
 * A remote command needs a reason (kept in the audit log) and a confirmation: a modal dialog with
 * the reason field and "confirm"/"cancel". Shows the barrier's answer or the gateway's error.
 */
export function CommandDialog({ pending, onDone }: { pending: PendingCommand; onDone: (result: string | null) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (reason.trim().length < 3) return setError(t('gates.reasonTooShort'));
    setBusy(true);
    setError(null);
    try {
      const answer = await commandBarrier(pending.barrier, pending.command, reason.trim());
      dialog.current?.close();
      onDone(t('gates.commandOk', { barrier: deviceName(pending.barrier), command: t(`gates.cmd.${pending.command}`), state: answer.state ? (lookup(`gates.arm.${answer.state}`) ?? answer.state) : '' }));
    } catch (err) {
      setError(commandError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} class="card confirm" aria-labelledby="command-title" onClose={() => onDone(null)}>
      <form onSubmit={submit}>
        <h3 id="command-title">{t('gates.confirmTitle', { command: t(`gates.cmd.${pending.command}`), barrier: deviceName(pending.barrier) })}</h3>
        <label>
          {t('gates.reason')}
          <input name="reason" required minLength={3} maxLength={256} value={reason} onInput={(e) => setReason(e.currentTarget.value)} placeholder={t('gates.reasonHint')} autoFocus />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            {t('gates.cancel')}
          </button>
          <button type="submit" class="danger" disabled={busy}>
            {busy ? t('gates.sending') : t('gates.confirm')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

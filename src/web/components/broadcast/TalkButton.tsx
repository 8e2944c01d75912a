import { targetNames } from '../../lib/words.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { hasTargets, targetsFromList, type SpeakerGroup, type Targets } from '../../lib/broadcast.js';
import { canControl } from '../../lib/session.js';
import { TalkSession, type TalkEvent, type TalkPhase } from '../../lib/talk.js';
import { useApi } from '../../lib/use-api.js';
import { TargetPicker } from './TargetPicker.js';

export interface TalkButtonProps {
  /** The camera whose nearby speakers (`speakers` of GET /api/cameras/:id) are talked to. */
  cameraId?: string;
  /** Speaker ids or `group:<name>` to use instead of the camera's. */
  speakers?: readonly string[];
}

const HOLD_KEYS = new Set([' ', 'Enter']);

/**
 * Push-to-talk: hold the button (pointer, or Space/Enter while it has focus) to speak through the
 * speakers near the camera; without any, the officer picks groups. Shows a level meter while talking.
 */
export function TalkButton({ cameraId, speakers }: TalkButtonProps) {
  const camera = useApi<{ speakers?: string[] }>(cameraId && !speakers ? `/api/cameras/${encodeURIComponent(cameraId)}` : null);
  const groups = useApi<{ groups: SpeakerGroup[] }>('/api/broadcast/groups');
  const [picked, setPicked] = useState<Targets>({ speakers: [], groups: [] });
  const [phase, setPhase] = useState<TalkPhase>('idle');
  const [jobId, setJobId] = useState<string | null>(null);
  const [level, setLevel] = useState(0);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const session = useRef<TalkSession | null>(null);

  const near = speakers ?? camera.data?.speakers ?? [];
  const targets = near.length > 0 ? targetsFromList(near) : picked;

  useEffect(() => {
    const onEvent = (event: TalkEvent) => {
      if (event.type === 'phase') {
        setPhase(event.phase);
        if (event.jobId) setJobId(event.jobId);
        if (event.phase === 'talking') setMessage(null);
      } else if (event.type === 'level') setLevel(event.level);
      else if (event.type === 'error') setMessage({ text: event.message === 'no-secure-context' ? t('talk.insecure') : t('talk.refused', { message: event.message }), error: true });
      else if (event.type === 'ended') setMessage({ text: t('talk.ended'), error: false });
    };
    const talk = new TalkSession(onEvent);
    session.current = talk;
    return () => talk.close();
  }, [cameraId]);

  if (!canControl()) return null;
  const press = () => {
    if (!hasTargets(targets)) return setMessage({ text: t('talk.pickGroups'), error: true });
    void session.current?.press(targets);
  };
  const release = () => session.current?.release();
  const targetText = targetNames(targets);

  return (
    <section class="talk" aria-labelledby={`talk-title-${cameraId ?? 'any'}`} data-job-id={jobId ?? undefined} data-phase={phase}>
      <h3 id={`talk-title-${cameraId ?? 'any'}`}>{t('talk.title')}</h3>
      {near.length > 0 ? (
        <p class="muted">{t('talk.nearTargets', { targets: targetText })}</p>
      ) : (
        <TargetPicker idPrefix={`talk-${cameraId ?? 'any'}`} groupsOnly speakers={[]} groups={groups.data?.groups ?? []} value={picked} onChange={setPicked} />
      )}
      <button
        type="button"
        class={`ptt${phase === 'talking' ? ' talking' : ''}`}
        aria-pressed={phase === 'talking' || phase === 'connecting'}
        aria-describedby={`talk-help-${cameraId ?? 'any'}`}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          press();
        }}
        onPointerUp={release}
        onPointerCancel={release}
        onLostPointerCapture={release}
        onKeyDown={(e) => {
          if (!HOLD_KEYS.has(e.key)) return;
          e.preventDefault();
          if (!e.repeat) press();
        }}
        onKeyUp={(e) => {
          if (!HOLD_KEYS.has(e.key)) return;
          e.preventDefault();
          release();
        }}
        onBlur={release}
        onContextMenu={(e) => e.preventDefault()}
      >
        {phase === 'talking' ? t('talk.talking') : phase === 'connecting' ? t('talk.connecting') : t('talk.hold')}
      </button>
      <p id={`talk-help-${cameraId ?? 'any'}`} class="muted">
        {t('talk.help')}
      </p>
      <meter class="level" min={0} max={1} low={0.6} high={0.9} value={phase === 'talking' ? level : 0} aria-label={t('talk.level')} />
      <p role="status" class={message?.error ? 'error' : 'muted'}>
        {message?.text ?? (phase === 'talking' ? t('talk.onAir', { targets: targetText }) : '')}
      </p>
    </section>
  );
}

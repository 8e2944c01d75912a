/**
 * What a viewer is told about its stream, as a JSON text message on the stream's socket:
 * `{"type":"status","state":"starting"|"playing"|"retrying"|"failed","reason":{code,message}|null}`.
 * Reasons come from facts: the cameras feature's error while resolving the source, or ffmpeg's own
 * words on stderr (the RTSP status of DESCRIBE/SETUP/PLAY), or the watchdog.
 */
import { UserError, errorMessage } from '../core/errors.js';

/** `failed`: it will not get better by itself (credentials, wrong path); the gateway still retries. */
export type ViewerState = 'starting' | 'playing' | 'retrying' | 'failed';

export type ReasonCode =
  | 'camera.offline'
  | 'camera.login_refused'
  | 'stream.auth_failed'
  | 'stream.not_found'
  | 'stream.unreachable'
  | 'stream.no_data'
  | 'stream.ffmpeg_exited'
  | 'stream.source_failed';

export interface StatusReason {
  code: ReasonCode;
  /** Plain language for the log and for players that have no text for the code. */
  message: string;
}

export interface StatusMessage {
  type: 'status';
  state: ViewerState;
  reason: StatusReason | null;
}

const NEEDS_A_PERSON: ReadonlySet<ReasonCode> = new Set(['camera.login_refused', 'stream.auth_failed', 'stream.not_found']);

export function stateFor(reason: StatusReason): ViewerState {
  return NEEDS_A_PERSON.has(reason.code) ? 'failed' : 'retrying';
}

export function statusMessage(state: ViewerState, reason: StatusReason | null): StatusMessage {
  return { type: 'status', state, reason };
}

export function sameStatus(a: StatusMessage | undefined, b: StatusMessage): boolean {
  return a !== undefined && a.state === b.state && a.reason?.code === b.reason?.code;
}

/** Why the camera's source could not be resolved (STREAM_SOURCES threw). */
export function reasonFromSourceError(err: unknown): StatusReason {
  const message = errorMessage(err);
  const code = err instanceof UserError ? err.code : '';
  // The error's code first; its text only by whole phrases (a camera id may contain "login").
  if (/login|credential|unauthori[sz]ed|auth_failed/i.test(code) || (err instanceof UserError && (err.status === 401 || err.status === 403)) ||
    /login refused|refused (the |its |our )?(login|credentials)|not ?authori[sz]ed|wrong (user ?name|password)|invalid credentials/i.test(message)) {
    return { code: 'camera.login_refused', message };
  }
  if (err instanceof UserError && (err.status === 503 || err.status === 504)) return { code: 'camera.offline', message };
  return { code: 'stream.source_failed', message };
}

/** Facts about one ffmpeg run that ended. */
export interface RunEnd {
  /** What ffmpeg printed last (credentials already removed). */
  stderr: string;
  /** The watchdog killed it: no output for the stall timeout. */
  stalled: boolean;
  /** It delivered output before it ended. */
  delivered: boolean;
  /** The pipeline's one-line summary (exit code or signal, last lines). */
  summary: string;
}

/** Reads the RTSP status ffmpeg reports (e.g. `method DESCRIBE failed: 401 Unauthorized`). */
export function reasonFromRunEnd(end: RunEnd): StatusReason {
  const rtsp = /method (DESCRIBE|SETUP|PLAY|OPTIONS) failed: (\d{3})([^\n]*)/.exec(end.stderr) ?? /Server returned (\d{3})()([^\n]*)/.exec(end.stderr);
  const status = rtsp ? Number(rtsp[2] || rtsp[1]) : 0;
  if (status === 401 || status === 403) {
    return { code: 'stream.auth_failed', message: `the camera refused the video login (RTSP ${status}); check the camera's user name and password` };
  }
  if (status === 404) return { code: 'stream.not_found', message: 'the camera has no stream at this address (RTSP 404)' };
  if (end.stalled) return { code: 'stream.no_data', message: end.summary };
  if (/Connection refused|Connection timed out|No route to host|Network is unreachable|timed out|Host is unreachable/i.test(end.stderr)) {
    return { code: 'stream.unreachable', message: 'the camera does not answer on its video (RTSP) port' };
  }
  if (!end.delivered && !end.stderr.trim()) return { code: 'stream.no_data', message: end.summary };
  return { code: 'stream.ffmpeg_exited', message: end.summary };
}

import type { WebSocket } from 'ws';
import { z } from 'zod';
import { UserError, errorMessage } from '../core/errors.js';
import { message, type Message } from '../core/messages.js';
import type { EventBus } from '../core/event-bus.js';
import type { WsEndpoint } from '../http/ws-router.js';
import type { BroadcastActions } from './broadcast-actions.js';
import type { BroadcastService } from './broadcast-service.js';

/** Binary messages start with the capture time of the chunk (float64 LE, ms since epoch), then PCM. */
export const TALK_HEADER_BYTES = 8;

/**
 * The largest message the talk socket accepts: the page sends 20 ms chunks, at most
 * 8 + 192000 * 0.02 * 4 = 15,368 bytes (192 kHz float32); four times that leaves room for longer chunks.
 */
export const TALK_MAX_MESSAGE_BYTES = 64 * 1024;

/** The one text message the talk socket takes. */
const controlMessage = z.strictObject({ type: z.literal('stop') });

/** Why a text message is refused, or undefined for a valid `{"type":"stop"}`. */
export function controlProblem(buffer: Buffer): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(buffer.toString('utf8'));
  } catch {
    return 'text messages must be JSON such as {"type":"stop"}';
  }
  if (controlMessage.safeParse(parsed).success) return undefined;
  const type = parsed !== null && typeof parsed === 'object' && 'type' in parsed ? (parsed as { type: unknown }).type : undefined;
  return typeof type === 'string' && type !== 'stop' ? `unknown message type ${JSON.stringify(type.slice(0, 40))}; the only text message is {"type":"stop"}` : 'the only text message is {"type":"stop"}';
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

/** Close reasons are at most 123 bytes (a speaker name from the query may be any script). */
function closeReason(text: string): string {
  let reason = text.slice(0, 123);
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}

const finiteSample = (value: number): number => (Number.isFinite(value) ? Math.max(-1, Math.min(1, value)) : 0);

const list = (value: string | null): string[] => (value ? value.split(',').map((s) => s.trim()).filter(Boolean) : []);

function send(ws: WebSocket, message: Record<string, unknown>): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

/**
 * Live call-out: `/api/broadcast/talk?speakers=a,b&groups=all&sampleRate=48000&format=f32`.
 * The job starts when the socket opens (answer `{"type":"started","job":...}`); binary messages
 * carry mono microphone chunks; `{"type":"stop"}` ends the talk; a closed socket ends it at once.
 */
export function talkEndpoint(deps: { actions: BroadcastActions; service: BroadcastService; bus: EventBus; idleTimeoutMs: number; maxSeconds: number }): WsEndpoint {
  return {
    path: '/api/broadcast/talk',
    access: 'officer',
    summary: 'Live call-out (push-to-talk): mono PCM from the browser to the chosen speakers and groups.',
    maxPayload: TALK_MAX_MESSAGE_BYTES,
    handle(ws, _req, ctx) {
      const format = ctx.query.get('format') ?? 'f32';
      const sampleRate = Number(ctx.query.get('sampleRate') ?? 48000);
      let talk: ReturnType<BroadcastActions['startLive']>;
      try {
        if (format !== 'f32' && format !== 's16') throw new UserError('talk.format', { format });
        talk = deps.actions.startLive({ targets: { speakers: list(ctx.query.get('speakers')), groups: list(ctx.query.get('groups')) }, sampleRate, principal: ctx.principal!, remote: ctx.remote });
      } catch (err) {
        const status = err instanceof UserError ? err.status : 500;
        send(ws, { type: 'error', status, code: err instanceof UserError ? err.code : 'internal', message: errorMessage(err), ...(err instanceof UserError ? { messageCode: err.messageCode, params: err.params } : {}) });
        ws.close(4000 + status, closeReason(errorMessage(err)));
        return;
      }
      const jobId = talk.job.id;
      const bytesPerSample = format === 'f32' ? 4 : 2;
      let idle: NodeJS.Timeout | undefined;
      const finish = (reason: Message, status: 'finished' | 'stopped') => {
        clearTimeout(idle);
        clearTimeout(longest);
        if (deps.service.isRunning(jobId)) deps.service.stopJob(jobId, reason, status);
      };
      const armIdle = () => {
        clearTimeout(idle);
        idle = setTimeout(() => {
          finish(message('job.reason.no-audio', { ms: deps.idleTimeoutMs }), 'stopped');
          ws.close(1000, 'no audio');
        }, deps.idleTimeoutMs);
      };
      const longest = setTimeout(() => {
        finish(message('job.reason.too-long', { seconds: deps.maxSeconds }), 'stopped');
        ws.close(1000, 'talk too long');
      }, deps.maxSeconds * 1000);
      const offBus = deps.bus.on('broadcast.job', (event) => {
        if (event.jobId !== jobId) return;
        if (['finished', 'stopped', 'skipped', 'failed'].includes(event.event)) {
          send(ws, { type: 'ended', event });
          offBus();
          clearTimeout(idle);
          clearTimeout(longest);
          if (ws.readyState === ws.OPEN) ws.close(1000, event.event);
        } else send(ws, { type: 'event', event });
      });
      // Audio faster than real time (a runaway or hostile client) is dropped beyond 2 s of lead.
      const openedAt = performance.now();
      let receivedSamples = 0;
      let warnedFast = false;
      armIdle();
      send(ws, { type: 'started', job: talk.job, codec: talk.job.codec, frameMs: deps.service.frameMs });

      ws.on('message', (data, isBinary) => {
        const buffer = toBuffer(data);
        if (!isBinary) {
          const problem = controlProblem(buffer);
          if (problem) send(ws, { type: 'error', status: 400, code: 'bad_request', message: problem });
          else finish(message('job.reason.released'), 'finished');
          return;
        }
        if (buffer.length < TALK_HEADER_BYTES || (buffer.length - TALK_HEADER_BYTES) % bytesPerSample !== 0) {
          send(ws, { type: 'error', status: 400, code: 'bad_request', message: `binary messages are an 8-byte capture time then whole ${format} samples` });
          return;
        }
        armIdle();
        const count = (buffer.length - TALK_HEADER_BYTES) / bytesPerSample;
        receivedSamples += count;
        if ((receivedSamples / sampleRate) * 1000 > performance.now() - openedAt + 2000) {
          if (!warnedFast) send(ws, { type: 'error', status: 429, message: 'audio arrives faster than real time; chunks are dropped' });
          warnedFast = true;
          receivedSamples -= count;
          return;
        }
        const stamp = buffer.readDoubleLE(0);
        const capturedAt = Number.isFinite(stamp) && stamp > 0 ? stamp : Date.now();
        const samples = new Float32Array(count);
        // A NaN or infinite sample would poison the resampler's filter for the rest of the talk.
        if (format === 'f32') for (let i = 0; i < count; i++) samples[i] = finiteSample(buffer.readFloatLE(TALK_HEADER_BYTES + i * 4));
        else for (let i = 0; i < count; i++) samples[i] = buffer.readInt16LE(TALK_HEADER_BYTES + i * 2) / 32768;
        talk.audio.push(samples, capturedAt);
      });
      ws.on('close', () => {
        offBus();
        finish(message('job.reason.disconnected'), 'stopped');
      });
      ws.on('error', () => finish(message('job.reason.connection-error'), 'stopped'));
    },
  };
}

import { translateMessage } from '../i18n/messages.js';
import { wsUrl } from './api.js';
import type { Targets } from './broadcast.js';

export type TalkPhase = 'idle' | 'connecting' | 'talking' | 'stopping';

export type TalkEvent =
  | { type: 'phase'; phase: TalkPhase; jobId?: string }
  | { type: 'level'; level: number }
  | { type: 'error'; message: string; status?: number }
  | { type: 'ended'; event: string; reason?: string };

/** The microphone is released this long after the last talk (no permanent microphone indicator). */
const MIC_IDLE_MS = 30_000;
// The same AudioWorklet as the gateway's /talk/ test page, bundled by Vite as an asset.
const WORKLET_URL = new URL('../../broadcast/static/talk/capture-worklet.js', import.meta.url);

interface Microphone {
  context: AudioContext;
  stream: MediaStream;
}

/**
 * Push-to-talk over `/api/broadcast/talk` (docs/broadcast.md): mono float32 chunks of 20 ms from an
 * AudioWorklet, each sent as an 8-byte capture time (float64 LE, ms since the epoch) + samples.
 * `press()` opens the talk, `release()` ends it with {"type":"stop"}; a release before the gateway
 * answered ends it as soon as it starts.
 */
export class TalkSession {
  private mic: Microphone | undefined;
  private socket: WebSocket | undefined;
  private phase: TalkPhase = 'idle';
  private released = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(private readonly onEvent: (event: TalkEvent) => void) {}

  private setPhase(phase: TalkPhase, jobId?: string): void {
    this.phase = phase;
    this.onEvent({ type: 'phase', phase, ...(jobId ? { jobId } : {}) });
  }

  private async microphone(): Promise<Microphone> {
    if (this.mic) return this.mic;
    if (!navigator.mediaDevices?.getUserMedia) throw new Error('no-secure-context');
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    const context = new AudioContext();
    try {
      await context.audioWorklet.addModule(WORKLET_URL);
    } catch (err) {
      stream.getTracks().forEach((track) => track.stop());
      await context.close();
      throw err;
    }
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, 'capture', { processorOptions: { chunkSamples: Math.round(context.sampleRate * 0.02) } });
    const mute = context.createGain();
    mute.gain.value = 0;
    source.connect(node).connect(mute).connect(context.destination);
    node.port.onmessage = (event: MessageEvent<Float32Array>) => this.send(event.data);
    this.mic = { context, stream };
    return this.mic;
  }

  private send(samples: Float32Array): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || this.phase !== 'talking') return;
    const message = new ArrayBuffer(8 + samples.byteLength);
    new DataView(message).setFloat64(0, Date.now(), true);
    new Float32Array(message, 8).set(samples);
    socket.send(message);
    let sum = 0;
    for (const x of samples) sum += x * x;
    this.onEvent({ type: 'level', level: Math.min(1, Math.sqrt(sum / samples.length) * 2) });
  }

  async press(targets: Targets): Promise<void> {
    if (this.phase !== 'idle' || this.closed) return;
    clearTimeout(this.idleTimer);
    this.released = false;
    this.setPhase('connecting');
    let context: AudioContext;
    try {
      context = (await this.microphone()).context;
      await context.resume();
    } catch (err) {
      this.setPhase('idle');
      this.onEvent({ type: 'error', message: (err as Error).message === 'no-secure-context' ? 'no-secure-context' : `microphone: ${(err as Error).message}` });
      return;
    }
    const socket = new WebSocket(wsUrl('/api/broadcast/talk', { speakers: targets.speakers.join(','), groups: targets.groups.join(','), sampleRate: String(context.sampleRate), format: 'f32' }));
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { type: string; job?: { id: string }; message?: string; messageCode?: string; params?: Record<string, string | number>; status?: number; event?: { event: string; reason?: string } };
      if (message.type === 'started' && message.job) {
        this.setPhase('talking', message.job.id);
        if (this.released) this.release();
      } else if (message.type === 'error') this.onEvent({ type: 'error', message: (message.messageCode && translateMessage(message.messageCode, message.params)) || (message.message ?? 'error'), ...(message.status ? { status: message.status } : {}) });
      else if (message.type === 'ended' && message.event) this.onEvent({ type: 'ended', event: message.event.event, ...(message.event.reason ? { reason: message.event.reason } : {}) });
    };
    socket.onclose = () => {
      if (this.socket === socket) this.socket = undefined;
      this.onEvent({ type: 'level', level: 0 });
      this.setPhase('idle');
      if (!this.closed) this.idleTimer = setTimeout(() => this.releaseMicrophone(), MIC_IDLE_MS);
    };
  }

  release(): void {
    this.released = true;
    const socket = this.socket;
    if (!socket || this.phase === 'connecting' || this.phase === 'stopping') return;
    this.setPhase('stopping');
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'stop' }));
    else socket.close();
  }

  private releaseMicrophone(): void {
    const mic = this.mic;
    this.mic = undefined;
    if (!mic) return;
    mic.stream.getTracks().forEach((track) => track.stop());
    void mic.context.close();
  }

  /** Ends any talk at once and frees the microphone (component unmounted). */
  close(): void {
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.released = true;
    this.socket?.close();
    this.socket = undefined;
    this.releaseMicrophone();
  }
}

import WebSocket from 'ws';

export interface TalkClientOptions {
  /** Gateway base URL, http://host:port */
  url: string;
  token: string;
  speakers?: readonly string[];
  groups?: readonly string[];
  sampleRate?: number;
}

export interface TalkMessage {
  type: string;
  job?: { id: string };
  event?: { event: string; reason?: string };
  message?: string;
  status?: number;
}

/**
 * What the push-to-talk page does, without a browser: opens `/api/broadcast/talk` and sends
 * mono float32 chunks, each after an 8-byte capture time. Used by tests and the talk benchmark.
 */
export class TalkClient {
  readonly messages: TalkMessage[] = [];
  jobId: string | undefined;
  private socket: WebSocket | undefined;
  private phase = 0;

  constructor(private readonly options: TalkClientOptions) {}

  get sampleRate(): number {
    return this.options.sampleRate ?? 48000;
  }

  /** Connects; resolves with the job id, rejects with the gateway's refusal. */
  async start(): Promise<string> {
    const { options } = this;
    const query = new URLSearchParams({ token: options.token, sampleRate: String(this.sampleRate), format: 'f32', speakers: (options.speakers ?? []).join(','), groups: (options.groups ?? []).join(',') });
    const socket = new WebSocket(`${options.url.replace(/^http/, 'ws')}/api/broadcast/talk?${query}`);
    this.socket = socket;
    return new Promise((resolve, reject) => {
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as TalkMessage;
        this.messages.push(message);
        if (message.type === 'started') {
          this.jobId = message.job!.id;
          resolve(this.jobId);
        } else if (message.type === 'error' && !this.jobId) reject(new Error(`talk refused (${message.status}): ${message.message}`));
      });
      socket.on('error', reject);
      socket.on('close', () => reject(new Error('talk socket closed before the job started')));
    });
  }

  /** Sends one chunk as the page does. */
  send(samples: Float32Array, capturedAt = Date.now()): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    const message = Buffer.allocUnsafe(8 + samples.length * 4);
    message.writeDoubleLE(capturedAt, 0);
    for (let i = 0; i < samples.length; i++) message.writeFloatLE(samples[i]!, 8 + i * 4);
    this.socket.send(message);
  }

  /** Sends a sine tone in real time, `chunkMs` per message (20 ms like the page's AudioWorklet). */
  async sendTone(frequency: number, durationMs: number, chunkMs = 20, amplitude = 0.5): Promise<void> {
    const perChunk = Math.round((this.sampleRate * chunkMs) / 1000);
    const started = performance.now();
    for (let sent = 0; sent * chunkMs < durationMs; sent++) {
      const chunk = new Float32Array(perChunk);
      for (let i = 0; i < perChunk; i++) chunk[i] = amplitude * Math.sin((2 * Math.PI * frequency * (this.phase + i)) / this.sampleRate);
      this.phase += perChunk;
      this.send(chunk);
      const wait = started + (sent + 1) * chunkMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** Releases the button: `{"type":"stop"}`, then waits for the socket to close. */
  async stop(): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.send(JSON.stringify({ type: 'stop' }));
    await closed;
  }

  /** Drops the connection without a stop (a closed browser tab). */
  close(): void {
    this.socket?.terminate();
  }
}

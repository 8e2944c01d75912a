/**
 * Browser side of /api/playback/<camera> (docs/recording.md): MSE on a <video>, the gateway's
 * one clock (media second t = origin + t*1000 ms), seek, speed, pause, frame step, and a jump over
 * gaps. Several players opened with the same origin play in sync.
 */
import { wsUrl } from './api.js';

const CODECS = ['avc1.42E01E', 'avc1.4D401F', 'avc1.640028', 'avc1.64001F', 'hvc1.1.6.L93.B0'].filter((c) => typeof MediaSource !== 'undefined' && MediaSource.isTypeSupported(`video/mp4; codecs="${c}"`));

export class PlaybackPlayer {
  private ws: WebSocket | undefined;
  private ms: MediaSource | undefined;
  private sb: SourceBuffer | undefined;
  private queue: ArrayBuffer[] = [];
  private target: number | undefined;
  private timer: number | undefined;
  private objectUrl: string | undefined;
  speed = 1;
  /** Paused: a seek shows the picture at the new instant and stays there. */
  paused = false;
  /** Holding at the first picture until start(): several cameras begin on the same instant. */
  holding = false;
  /** The picture at the requested instant is shown (holding or playing). */
  ready = false;
  error: string | null = null;

  constructor(
    readonly video: HTMLVideoElement,
    readonly camera: string,
    readonly origin: number,
    private readonly onState: () => void = () => {},
  ) {}

  /** Wall-clock ms of the picture shown now. */
  get position(): number {
    return this.origin + this.video.currentTime * 1000;
  }

  open(at: number, speed = 1, paused = false, hold = false): void {
    this.close();
    this.holding = hold;
    this.ready = false;
    // The picture of what played before is not the picture at `at`: show nothing until the new one is there.
    if (this.video.src) {
      this.video.removeAttribute('src');
      this.video.load();
    }
    this.speed = speed;
    this.paused = paused;
    this.target = at;
    const ws = new WebSocket(wsUrl(`/api/playback/${encodeURIComponent(this.camera)}`, { at: String(Math.round(at)), origin: String(this.origin), speed: String(speed) }));
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', codecs: CODECS }));
    ws.onmessage = (e) => {
      if (typeof e.data === 'string') this.onText(JSON.parse(e.data) as Record<string, unknown>);
      else this.append(e.data as ArrayBuffer);
    };
    ws.onclose = (e) => {
      if (e.code >= 4000) this.error = e.reason;
      this.onState();
    };
    this.timer = window.setInterval(() => this.tick(), 200);
  }

  private onText(m: Record<string, unknown>): void {
    if (m.type === 'mse') {
      const ms = new MediaSource();
      this.ms = ms;
      this.sb = undefined;
      this.queue = [];
      if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
      this.objectUrl = URL.createObjectURL(ms);
      this.video.src = this.objectUrl;
      ms.addEventListener('sourceopen', () => {
        this.sb = ms.addSourceBuffer(String(m.mime));
        this.sb.addEventListener('updateend', () => this.drain());
        this.drain();
      });
    } else if (m.type === 'seeked') {
      this.target = Number(m.at);
    } else if (m.type === 'error') {
      this.error = String(m.message);
      this.onState();
    }
  }

  private append(data: ArrayBuffer): void {
    this.queue.push(data);
    this.drain();
  }

  private drain(): void {
    const sb = this.sb;
    if (!sb || sb.updating || this.queue.length === 0) return;
    sb.appendBuffer(this.queue.shift()!);
    if (this.target !== undefined && sb.buffered.length && sb.buffered.end(sb.buffered.length - 1) * 1000 + this.origin > this.target) {
      this.video.currentTime = (this.target - this.origin) / 1000;
      this.target = undefined;
      this.video.playbackRate = this.speed;
      this.ready = true;
      if (this.paused) this.send({ type: 'pause' }); // the picture at the target is there: nothing more needed
      else if (!this.holding) void this.video.play().catch(() => {});
      this.onState();
    }
  }

  /** Jumps over gaps: stuck at the end of a buffered range with another after it. */
  private tick(): void {
    const b = this.video.buffered;
    const now = this.video.currentTime;
    for (let i = 0; i < b.length - 1; i++) {
      if (now >= b.end(i) - 0.1 && now < b.start(i + 1)) this.video.currentTime = b.start(i + 1);
    }
    if (this.sb && !this.sb.updating && b.length && now - b.start(0) > 30) this.sb.remove(b.start(0), now - 10);
    this.onState();
  }

  private send(m: Record<string, unknown>): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  seek(at: number): void {
    this.target = at;
    this.send({ type: 'seek', at: Math.round(at) });
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    this.video.playbackRate = speed;
    this.send({ type: 'speed', value: speed });
  }

  /** Ends holding: plays from the first picture (at once, if it is already there). */
  start(): void {
    if (!this.holding) return;
    this.holding = false;
    if (this.ready && !this.paused) void this.video.play().catch(() => {});
  }

  pause(): void {
    this.paused = true;
    this.video.pause();
    this.send({ type: 'pause' });
  }

  resume(): void {
    this.paused = false;
    void this.video.play().catch(() => {});
    this.send({ type: 'resume' });
  }

  step(fps = 15): void {
    this.paused = true;
    this.video.pause();
    this.send({ type: 'step' });
    this.video.currentTime += 1 / fps;
  }

  /** PNG of the picture shown now. */
  snapshot(): string {
    const c = document.createElement('canvas');
    c.width = this.video.videoWidth;
    c.height = this.video.videoHeight;
    c.getContext('2d')?.drawImage(this.video, 0, 0);
    return c.toDataURL('image/png');
  }

  close(): void {
    if (this.timer) window.clearInterval(this.timer);
    this.timer = undefined;
    this.ws?.close();
    this.ws = undefined;
  }
}

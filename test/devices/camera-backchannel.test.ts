/**
 * The backchannel client against the camera simulator over real sockets: Digest auth, DESCRIBE
 * with Require, SETUP/PLAY over TCP interleaved, RTP at real-time pace into the simulator's WAV,
 * reconnect after the camera dropped the session, and a camera without a backchannel.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CameraBackchannel } from '../../devices/onvif-camera/camera-backchannel.js';
import { BackchannelSession, BackchannelUnsupportedError } from '../../devices/onvif-camera/backchannel-session.js';
import { findBackchannel } from '../../devices/onvif-camera/backchannel-sdp.js';
import { alawToLinear, linearToAlaw } from '../../devices/onvif-camera/g711.js';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { parseWav } from '../../src/broadcast/codecs/wav.js';
import { zeroCrossingFrequency } from '../broadcast/tone.js';
import { trackHandles } from '../helpers/open-handles.js';
import { waitFor } from '../helpers/wait.js';

let sim: RunningCamera;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cg-backchannel-'));
  sim = await startCameraSimulator({ name: 'North Gate', dataDir });
});
afterAll(async () => {
  await sim?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function tone(frequency: number, seconds: number, amplitude = 12000): Int16Array {
  const out = new Int16Array(Math.round(seconds * 8000));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / 8000));
  return out;
}

const source = () => ({ url: sim.urls.rtsp.sub!, username: sim.credentials.username, password: sim.credentials.password });

describe('backchannel SDP', () => {
  it('picks the sendonly G.711 track and resolves its control URL against Content-Base', () => {
    const sdp = 'v=0\r\nm=video 0 RTP/AVP 96\r\na=control:trackID=0\r\nm=audio 0 RTP/AVP 97 8 0\r\na=rtpmap:97 MPEG4-GENERIC/16000\r\na=sendonly\r\na=control:trackID=4\r\n';
    const found = findBackchannel(sdp, 'rtsp://cam/Streaming/101/');
    expect(found).toEqual({ ok: true, track: { codec: 'pcmu', payloadType: 0, clockRate: 8000, controlUrl: 'rtsp://cam/Streaming/101/trackID=4' } });
    expect(findBackchannel('v=0\r\nm=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/16000\r\na=sendonly\r\n', 'rtsp://cam/x')).toEqual({ ok: false, reason: expect.stringContaining('MPEG4-GENERIC/16000') });
    expect(findBackchannel('v=0\r\nm=audio 0 RTP/AVP 0\r\na=recvonly\r\n', 'rtsp://cam/x').ok).toBe(false);
  });

  it('A-law round-trips within its step size', () => {
    for (const v of [0, 100, -100, 1000, -5000, 20000, -32768, 32767]) expect(Math.abs(alawToLinear(linearToAlaw(v)) - v)).toBeLessThanOrEqual(Math.max(16, Math.abs(v) / 16));
  });
});

describe('backchannel session against the simulator', () => {
  it('authenticates with Digest, sets up the sendonly track and the tone lands in the WAV at real-time pace', async () => {
    const filesBefore = sim.state.backchannel.files.length;
    const packetsBefore = sim.state.backchannel.packets;
    const failures: string[] = [];
    const sink = new CameraBackchannel({ label: 'north', source: async () => source(), timeoutMs: 2000, reconnect: { initialMs: 50, maxMs: 200 }, failAfterMs: 2000, maxQueueMs: 5000, idleCloseMs: 200, onFailed: (r) => failures.push(r) });
    try {
      sink.hold();
      const started = performance.now();
      sink.push(tone(1000, 1));
      await sink.drained();
      const elapsed = performance.now() - started;
      // one second of audio takes about a second to send (paced, 40 ms ahead), not a burst
      expect(elapsed).toBeGreaterThan(800);
      expect(sink.codec).toBe('pcmu');
      await waitFor(() => sim.state.backchannel.packets - packetsBefore >= 50, 3000, 'the speaker packets');
      sink.release();
      await waitFor(() => sim.state.backchannel.files.length > filesBefore && !sink.connected, 3000, 'the session to close after idleCloseMs');
    } finally {
      await sink.stop();
    }
    expect(failures).toEqual([]);
    await waitFor(() => (sim.state.backchannel.files.at(-1) && readFileSync(sim.state.backchannel.files.at(-1)!).readUInt32LE(40) > 0) || undefined, 3000, 'the WAV to be finished');
    const wav = parseWav(readFileSync(sim.state.backchannel.files.at(-1)!));
    expect(wav.sampleRate).toBe(8000);
    expect(wav.samples.length).toBe(8000);
    expect(zeroCrossingFrequency(wav.samples, 8000)).toBeCloseTo(1000, -1);
  });

  it('speaks A-law to a camera whose backchannel takes PCMA', async () => {
    const pcma = await startCameraSimulator({ backchannelCodec: 'pcma', dataDir: join(dataDir, 'pcma') });
    const sink = new CameraBackchannel({ label: 'pcma', source: async () => ({ url: pcma.urls.rtsp.sub!, username: 'admin', password: 'admin123' }), timeoutMs: 2000, reconnect: { initialMs: 50, maxMs: 200 }, failAfterMs: 2000, maxQueueMs: 5000, idleCloseMs: 100, onFailed: () => {} });
    try {
      sink.hold();
      sink.push(tone(800, 0.5));
      await sink.drained();
      expect(sink.codec).toBe('pcma');
      sink.release();
      await waitFor(() => (pcma.state.backchannel.files[0] && readFileSync(pcma.state.backchannel.files[0]).readUInt32LE(40) > 0) || undefined, 3000, 'the WAV');
      const wav = parseWav(readFileSync(pcma.state.backchannel.files[0]!));
      expect(pcma.state.backchannel.ignoredPackets).toBe(0);
      expect(wav.samples.length).toBe(4000);
      expect(zeroCrossingFrequency(wav.samples, 8000)).toBeCloseTo(800, -1);
    } finally {
      await sink.stop();
      await pcma.stop();
    }
  });

  it('leaves no socket or timer open after stop(), in the middle of sending', async () => {
    const tracker = trackHandles();
    try {
      const sink = new CameraBackchannel({ label: 'north', source: async () => source(), timeoutMs: 2000, reconnect: { initialMs: 50, maxMs: 200 }, failAfterMs: 2000, maxQueueMs: 5000, idleCloseMs: 10_000, onFailed: () => {} });
      sink.hold();
      sink.push(tone(300, 2));
      await waitFor(() => sink.packetsSent > 5, 15_000, 'sending');
      await sink.stop();
      const ours = () => tracker.open().filter((h) => !h.stack.includes('simulators/'));
      await waitFor(() => ours().length === 0, 2000, 'every handle of the backchannel to close').catch(() => undefined);
      expect(ours()).toEqual([]);
    } finally {
      tracker.stop();
    }
  });

  it('reopens the session when the camera drops it, and keeps sending', async () => {
    const failures: string[] = [];
    const sink = new CameraBackchannel({ label: 'north', source: async () => source(), timeoutMs: 2000, reconnect: { initialMs: 50, maxMs: 200 }, failAfterMs: 3000, maxQueueMs: 5000, idleCloseMs: 5000, onFailed: (r) => failures.push(r) });
    try {
      sink.hold();
      sink.push(tone(500, 1.5));
      await waitFor(() => sink.connected && sink.packetsSent > 10, 3000, 'sending');
      expect(sim.control.dropRtspSessions()).toBeGreaterThan(0);
      await sink.drained();
      expect(sink.connects).toBe(2);
    } finally {
      await sink.stop();
    }
    expect(failures).toEqual([]);
  });

  it('a camera without a backchannel is refused with a reason, and an unreachable one fails after failAfterMs', async () => {
    const plain = await startCameraSimulator({ backchannel: false });
    try {
      await expect(BackchannelSession.open({ url: plain.urls.rtsp.main!, username: 'admin', password: 'admin123', timeoutMs: 2000 })).rejects.toThrow(BackchannelUnsupportedError);
      await expect(BackchannelSession.open({ url: plain.urls.rtsp.main!, username: 'admin', password: 'wrong-password', timeoutMs: 2000 })).rejects.toThrow(/refused the user name or password/);
      const failures: Array<[string, boolean]> = [];
      const port = plain.urls.rtspPort;
      await plain.control.goOffline();
      const sink = new CameraBackchannel({ label: 'gone', source: async () => ({ url: `rtsp://127.0.0.1:${port}/main`, username: 'admin', password: 'admin123' }), timeoutMs: 500, reconnect: { initialMs: 50, maxMs: 100 }, failAfterMs: 400, maxQueueMs: 1000, idleCloseMs: 100, onFailed: (r, u) => failures.push([r, u]) });
      sink.hold();
      sink.push(tone(500, 0.2));
      await waitFor(() => failures.length > 0, 3000, 'the failure');
      expect(failures[0]![0]).toMatch(/ECONNREFUSED/);
      expect(failures[0]![1]).toBe(false);
      await sink.stop();
    } finally {
      await plain.stop();
    }
  });
});

describe('a hostile RTSP server', () => {
  async function server(onData: (socket: Socket, chunk: Buffer) => void): Promise<{ url: string; close: () => Promise<void> }> {
    const sockets = new Set<Socket>();
    const srv = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', (chunk) => onData(socket, chunk));
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as AddressInfo).port;
    return {
      url: `rtsp://127.0.0.1:${port}/stream`,
      close: async () => {
        for (const s of sockets) s.destroy();
        await new Promise<void>((r) => srv.close(() => r()));
      },
    };
  }

  it('is cut off when its header block is too long, its body too large, or it never answers', async () => {
    const endless = await server((socket) => socket.write(Buffer.alloc(20 * 1024, 0x41)));
    const huge = await server((socket) => socket.write('RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 10000000\r\n\r\n'));
    const silent = await server(() => {});
    try {
      await expect(BackchannelSession.open({ url: endless.url, timeoutMs: 2000 })).rejects.toThrow(/more than 16384 bytes/);
      await expect(BackchannelSession.open({ url: huge.url, timeoutMs: 2000 })).rejects.toThrow(/RTSP body of 10000000 bytes/);
      const started = performance.now();
      await expect(BackchannelSession.open({ url: silent.url, timeoutMs: 300 })).rejects.toThrow(/did not answer DESCRIBE within 300 ms/);
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      await Promise.all([endless.close(), huge.close(), silent.close()]);
    }
  });
});

/**
 * WS-Discovery over unicast loopback (one valid ProbeMatch), the RTSP audio backchannel into a
 * WAV file, and the reboot/offline faults.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/core/net.js';
import { startCameraSimulator, type RunningCamera } from '../../../simulators/onvif-camera/index.js';
import { soapCall, waitFor } from './helpers.js';

let sim: RunningCamera;
let dataDir: string;
let discoveryPort: number;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'camera-sim-test-'));
  discoveryPort = await freePort();
  sim = await startCameraSimulator({ name: 'North Gate', location: 'north-gate', dataDir, discovery: { port: discoveryPort }, rebootSeconds: 1 });
});
afterAll(async () => {
  await sim?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('WS-Discovery', () => {
  it('answers a unicast Probe with exactly one valid ProbeMatch', async () => {
    const messageId = `urn:uuid:${randomUUID()}`;
    const probe =
      `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing">` +
      `<s:Header><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action><a:MessageID>${messageId}</a:MessageID>` +
      `<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>` +
      `<s:Body><Probe xmlns="http://schemas.xmlsoap.org/ws/2005/04/discovery"><d:Types xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dp0="http://www.onvif.org/ver10/network/wsdl">dp0:NetworkVideoTransmitter</d:Types></Probe></s:Body></s:Envelope>`;
    const socket = createSocket('udp4');
    const replies: string[] = [];
    socket.on('message', (m) => replies.push(m.toString('utf8')));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    try {
      socket.send(probe, discoveryPort, '127.0.0.1');
      await waitFor(() => replies.length > 0, 3000, 'a ProbeMatch');
      await new Promise((r) => setTimeout(r, 300)); // any duplicate would arrive now
    } finally {
      socket.close();
    }
    expect(replies).toHaveLength(1);
    expect(replies[0]!.startsWith('<?xml')).toBe(true);
    const doc = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false }).parse(replies[0]!) as {
      Envelope: { Header: { RelatesTo: string; Action: string }; Body: { ProbeMatches: { ProbeMatch: unknown } } };
    };
    expect(doc.Envelope.Header.RelatesTo).toBe(messageId);
    expect(doc.Envelope.Header.Action).toBe('http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches');
    const match = doc.Envelope.Body.ProbeMatches.ProbeMatch as { Types: string; Scopes: string; XAddrs: string; EndpointReference: { Address: string } };
    expect(Array.isArray(match)).toBe(false);
    expect(match.Types).toContain('dn:NetworkVideoTransmitter');
    expect(match.Scopes.split(' ')).toEqual(expect.arrayContaining(['onvif://www.onvif.org/name/North%20Gate', 'onvif://www.onvif.org/location/north-gate']));
    expect(match.XAddrs).toBe(sim.urls.onvif);
    expect(match.EndpointReference.Address).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(sim.state.probesAnswered).toBe(1);
  });
});

/** A minimal RTSP client, enough for an ONVIF backchannel session with Digest auth. */
class RtspClient {
  private buffer = '';
  private cseq = 0;
  private auth: { realm: string; nonce: string } | undefined;
  constructor(private readonly socket: Socket, private readonly user: string, private readonly pass: string) {
    socket.on('data', (d: Buffer) => (this.buffer += d.toString('latin1')));
  }
  async request(method: string, url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const h: Record<string, string> = { CSeq: String(++this.cseq), ...headers };
      if (this.auth) {
        const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
        const response = md5(`${md5(`${this.user}:${this.auth.realm}:${this.pass}`)}:${this.auth.nonce}:${md5(`${method}:${url}`)}`);
        h.Authorization = `Digest username="${this.user}", realm="${this.auth.realm}", nonce="${this.auth.nonce}", uri="${url}", response="${response}"`;
      }
      this.socket.write(`${method} ${url} RTSP/1.0\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      const reply = await this.read();
      expect(reply.headers.cseq).toBe(h.CSeq);
      if (reply.status === 401 && !this.auth) {
        const m = /realm="([^"]+)", nonce="([^"]+)"/.exec(reply.headers['www-authenticate'] ?? '')!;
        this.auth = { realm: m[1]!, nonce: m[2]! };
        continue;
      }
      return reply;
    }
    throw new Error('auth failed');
  }
  private async read(): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    await waitFor(() => this.buffer.includes('\r\n\r\n'), 5000, 'an RTSP reply');
    const end = this.buffer.indexOf('\r\n\r\n');
    const lines = this.buffer.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
    const len = Number(headers['content-length'] ?? 0);
    await waitFor(() => this.buffer.length >= end + 4 + len, 5000, 'an RTSP body');
    const body = this.buffer.slice(end + 4, end + 4 + len);
    this.buffer = this.buffer.slice(end + 4 + len);
    return { status: Number(lines[0]!.split(' ')[1]), headers, body };
  }
}

function linearToMuLaw(sample: number): number {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  let s = Math.min(32635, Math.abs(sample)) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  s = ~(sign | (exponent << 4) | mantissa) & 0xff;
  return s;
}

describe('loudspeaker backchannel', () => {
  it('offers a sendonly PCMU track on Require: www.onvif.org/ver20/backchannel and writes what arrives to a WAV', async () => {
    const url = sim.urls.rtsp.sub!;
    const socket = connect(sim.urls.rtspPort, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    try {
      const client = new RtspClient(socket, 'admin', 'admin123');
      const require = { Require: 'www.onvif.org/ver20/backchannel' };
      const plain = await client.request('DESCRIBE', url, { Accept: 'application/sdp' });
      expect(plain.body).not.toContain('a=sendonly');
      const described = await client.request('DESCRIBE', url, { Accept: 'application/sdp', ...require });
      expect(described.status).toBe(200);
      expect(described.body).toMatch(/m=audio 0 RTP\/AVP 0\r\na=rtpmap:0 PCMU\/8000\r\na=sendonly\r\na=control:trackID=1/);
      const setup = await client.request('SETUP', `${url}/trackID=1`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1', ...require });
      expect(setup.status).toBe(200);
      const session = setup.headers.session!.split(';')[0]!;
      expect((await client.request('PLAY', url, { Session: session, ...require })).status).toBe(200);
      // one second of a 1 kHz tone, 50 packets of 20 ms
      for (let p = 0; p < 50; p++) {
        const rtp = Buffer.alloc(12 + 160);
        rtp[0] = 0x80;
        rtp[1] = 0; // PCMU
        rtp.writeUInt16BE(p, 2);
        rtp.writeUInt32BE(p * 160, 4);
        rtp.writeUInt32BE(0x1234, 8);
        for (let i = 0; i < 160; i++) rtp[12 + i] = linearToMuLaw(Math.round(12000 * Math.sin((2 * Math.PI * 1000 * (p * 160 + i)) / 8000)));
        const frame = Buffer.alloc(4);
        frame[0] = 0x24;
        frame[1] = 0;
        frame.writeUInt16BE(rtp.length, 2);
        socket.write(Buffer.concat([frame, rtp]));
      }
      await waitFor(() => sim.state.backchannel.packets === 50, 5000, 'all speaker packets');
      expect((await client.request('TEARDOWN', url, { Session: session, ...require })).status).toBe(200);
    } finally {
      socket.destroy();
    }
    const file = sim.state.backchannel.files.at(-1)!;
    expect(file.startsWith(join(dataDir, 'speaker'))).toBe(true);
    const wav = readFileSync(file);
    expect(wav.subarray(0, 4).toString()).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt32LE(40)).toBe(8000 * 2);
    // count zero crossings: a 1 kHz tone crosses zero ~2000 times a second
    let crossings = 0;
    for (let i = 1; i < 8000; i++) if (wav.readInt16LE(44 + (i - 1) * 2) < 0 !== wav.readInt16LE(44 + i * 2) < 0) crossings++;
    expect(crossings).toBeGreaterThan(1900);
    expect(crossings).toBeLessThan(2100);
  });

  it('a camera without a backchannel answers 551 Option not supported', async () => {
    const noSpeaker = await startCameraSimulator({ backchannel: false });
    const socket = connect(noSpeaker.urls.rtspPort, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    try {
      const client = new RtspClient(socket, 'admin', 'admin123');
      const reply = await client.request('DESCRIBE', noSpeaker.urls.rtsp.main!, { Require: 'www.onvif.org/ver20/backchannel' });
      expect(reply.status).toBe(551);
      expect(reply.headers.unsupported).toBe('www.onvif.org/ver20/backchannel');
    } finally {
      socket.destroy();
      await noSpeaker.stop();
    }
  });
});

describe('reboot and presets on disk', () => {
  it('is unreachable while rebooting and answers again afterwards; presets survive in the data dir', async () => {
    const { usernameToken } = await import('./helpers.js');
    const auth = (): string => usernameToken({ username: 'admin', password: 'admin123', created: new Date().toISOString() });
    const set = await soapCall(sim.urls.ptz, '<SetPreset xmlns="http://www.onvif.org/ver20/ptz/wsdl"><ProfileToken>main</ProfileToken><PresetName>Lobby</PresetName></SetPreset>', auth());
    expect(set.status).toBe(200);
    const reboot = await soapCall(sim.urls.onvif, '<SystemReboot xmlns="http://www.onvif.org/ver10/device/wsdl"/>', auth());
    expect(reboot.text).toContain('SystemRebootResponse');
    await waitFor(() => sim.state.rebooting && !sim.state.online, 2000, 'the reboot to begin');
    await expect(soapCall(sim.urls.onvif, '<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>')).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
    await waitFor(() => sim.state.online, 5000, 'the camera to come back');
    expect((await soapCall(sim.urls.onvif, '<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>')).status).toBe(200);
    const stored = JSON.parse(readFileSync(join(dataDir, 'north-gate.presets.json'), 'utf8')) as { presets: Array<{ name: string }> };
    expect(stored.presets.map((p) => p.name)).toEqual(['Lobby']);
  });

  it('a camera without preset support answers as real ones do', async () => {
    const cam = await startCameraSimulator({ presets: false });
    try {
      const { usernameToken } = await import('./helpers.js');
      const auth = usernameToken({ username: 'admin', password: 'admin123', created: new Date().toISOString() });
      const reply = await soapCall(cam.urls.ptz, '<SetPreset xmlns="http://www.onvif.org/ver20/ptz/wsdl"><ProfileToken>main</ProfileToken></SetPreset>', auth);
      expect(reply.status).toBe(500);
      expect(reply.text).toContain('ter:ActionNotSupported');
      expect(reply.text).toContain('Optional Action Not Implemented');
      const nodes = await soapCall(cam.urls.ptz, '<GetNodes xmlns="http://www.onvif.org/ver20/ptz/wsdl"/>', usernameToken({ username: 'admin', password: 'admin123', created: new Date().toISOString() }));
      expect(nodes.text).toContain('<tt:MaximumNumberOfPresets>0</tt:MaximumNumberOfPresets><tt:HomeSupported>false</tt:HomeSupported>');
    } finally {
      await cam.stop();
    }
  });
});

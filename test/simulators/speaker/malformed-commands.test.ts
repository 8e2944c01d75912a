/**
 * A speaker simulator shrugs off malformed commands: garbage bytes, wrong JSON, out-of-range
 * fields, hostile job ids and broken audio frames on every command topic it subscribes to (its own
 * and its groups') each cost a log line and a `problems` entry; the speaker stays connected and
 * still plays the next valid job. Published through a plain broker, so nothing filters them first.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import fc from 'fast-check';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAudioFrame, type PlayMessage } from '../../../devices/mqtt-speaker/protocol.js';
import { createLogger } from '../../../src/core/logger.js';
import { MAX_PROBLEMS, MAX_RECORDED_SECONDS, SimulatedSpeaker } from '../../../simulators/speaker/speaker.js';
import { waitFor } from '../../helpers/wait.js';

const BASE = 'community';
const COMMAND_TOPICS = [`${BASE}/speakers/sim-x/play`, `${BASE}/speakers/sim-x/audio`, `${BASE}/speakers/sim-x/stop`, `${BASE}/speakers/sim-x/volume`, ...['play', 'audio', 'stop', 'volume'].map((k) => `${BASE}/speakers/group/east/${k}`)];

function play(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { v: 1, jobId: 'ok', stream: 5, priority: 20, class: 'manual', source: 'clip', codec: 'pcmu', sampleRate: 8000, frameMs: 20, volume: null, repeat: 1, at: new Date().toISOString(), ...extra } satisfies Partial<PlayMessage> as Record<string, unknown>;
}

/** Payloads a broken or hostile sender might put on a command topic. */
const garbage = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  fc.constantFrom('', 'null', '[]', '{}', '{"volume":"loud"}', '{"volume":1e309}', '{"jobId":"__proto__","reason":"x"}', '{"jobId":"x","reason":"x","drain":true}').map((s) => Buffer.from(s)),
  fc
    .record({
      jobId: fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom('../../../escape', '__proto__', 'constructor', 'a/b\\c', 'nul\u0000byte')),
      stream: fc.oneof(fc.integer(), fc.double(), fc.constant(5)),
      sampleRate: fc.oneof(fc.integer({ min: -1, max: 2 ** 40 }), fc.constant(8000)),
      codec: fc.constantFrom('pcmu', 's16le', 'none', 'opus', 42),
      repeat: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constant(0)),
      text: fc.string({ maxLength: 50 }),
      language: fc.constantFrom('en', '__proto__', ''),
    })
    .map((r) => Buffer.from(JSON.stringify(play(r)))),
  fc
    .record({ version: fc.integer({ min: 0, max: 255 }), codec: fc.integer({ min: 0, max: 255 }), flags: fc.integer({ min: 0, max: 255 }), stream: fc.constantFrom(5, 6, 0xffffffff), body: fc.uint8Array({ maxLength: 64 }) })
    .map(({ version, codec, flags, stream, body }) => {
      const header = Buffer.alloc(20);
      header.writeUInt8(version, 0);
      header.writeUInt8(codec, 1);
      header.writeUInt8(flags, 2);
      header.writeUInt8(20, 3);
      header.writeUInt32BE(stream, 4);
      header.writeDoubleBE(Number.NaN, 12);
      return Buffer.concat([header, Buffer.from(body)]);
    }),
);

describe('speaker simulator and malformed commands', () => {
  let server: Server;
  let broker: Aedes;
  let url: string;
  let dir: string;
  let speaker: SimulatedSpeaker;
  let sender: MqttClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'speaker-garbage-'));
    broker = await Aedes.createBroker();
    server = createServer((socket) => broker.handle(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
    speaker = new SimulatedSpeaker({ id: 'sim-x', password: 'x', groups: ['east'], baseTopic: BASE, recordDir: join(dir, 'a', 'b', 'rec'), nativeTts: ['en'], nativeTtsMsPerChar: 1, log: createLogger({ level: 'silent' }) });
    await speaker.start({ mqttUrl: url });
    sender = await mqtt.connectAsync(url, { clientId: 'garbage-sender', protocolVersion: 4 });
  });

  afterAll(async () => {
    await sender?.endAsync();
    await speaker?.stop();
    await new Promise<void>((resolve) => broker?.close(() => resolve()));
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs and goes on after garbage on every command topic', async () => {
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMMAND_TOPICS), garbage, async (topic, payload) => {
        await sender.publishAsync(topic, payload, { qos: 1 });
        sent++;
      }),
      { seed: 1201, numRuns: 400 },
    );
    // every topic gets at least the plainly broken payloads too
    for (const topic of COMMAND_TOPICS) for (const p of ['{', 'null', '\u0000\u0001']) await sender.publishAsync(topic, p, { qos: 1 });
    expect(sent).toBe(400);
    await waitFor(() => speaker.problems.length >= COMMAND_TOPICS.length * 3, 5000, 'garbage reported');
    expect(speaker.connected).toBe(true);

    // a job id that names another folder: its recording still lands in the speaker's own folder
    for (const jobId of ['../../escape', '../../../../escape-further', '/abs/path', 'nul\u0000byte']) {
      await sender.publishAsync(`${BASE}/speakers/sim-x/play`, JSON.stringify(play({ jobId, stream: 9, priority: 1 })), { qos: 1 });
      await sender.publishAsync(`${BASE}/speakers/sim-x/stop`, JSON.stringify({ jobId, reason: 'done' }), { qos: 1 });
      const rec = await waitFor(() => speaker.recording(jobId)?.ended && speaker.recording(jobId), 3000, `job ${jobId} stopped`);
      expect(rec.wavPath?.startsWith(join(dir, 'a', 'b', 'rec') + '/')).toBe(true);
    }
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    for (const file of files) expect(file.startsWith(join(dir, 'a', 'b', 'rec') + '/')).toBe(true);

    // a job that never ends, fed big frames: what the speaker keeps of it is bounded
    await sender.publishAsync(`${BASE}/speakers/sim-x/play`, JSON.stringify(play({ jobId: 'endless', stream: 66, priority: 99, codec: 's16le', sampleRate: 16000 })), { qos: 1 });
    const big = Buffer.alloc(256 * 1024, 1);
    for (let sequence = 0; sequence < 120; sequence++) {
      sender.publish(`${BASE}/speakers/sim-x/audio`, encodeAudioFrame({ codec: 's16le', endOfStream: false, frameMs: 20, stream: 66, sequence, capturedAt: Date.now(), data: big }), { qos: 0 });
    }
    await sender.publishAsync(`${BASE}/speakers/sim-x/volume`, JSON.stringify({ volume: 50 }), { qos: 1 });
    const endless = await waitFor(() => (speaker.recording('endless')?.stats.frames ?? 0) >= 120 && speaker.recording('endless'), 10_000, 'big frames received');
    expect(endless.samples).toBeLessThanOrEqual(MAX_RECORDED_SECONDS * 16000);
    expect(speaker.problems.length).toBeLessThanOrEqual(MAX_PROBLEMS);

    // and the next valid job still plays to the end
    await sender.publishAsync(`${BASE}/speakers/sim-x/stop`, JSON.stringify({ jobId: 'ok', reason: 'reset' }), { qos: 1 });
    await sender.publishAsync(`${BASE}/speakers/sim-x/play`, JSON.stringify(play({ jobId: 'after-garbage', stream: 77, priority: 100 })), { qos: 1 });
    for (let sequence = 0; sequence < 3; sequence++) {
      await sender.publishAsync(`${BASE}/speakers/sim-x/audio`, encodeAudioFrame({ codec: 'pcmu', endOfStream: sequence === 2, frameMs: 20, stream: 77, sequence, capturedAt: Date.now(), data: Buffer.alloc(160, 0xff) }), { qos: 1 });
    }
    const rec = await waitFor(() => speaker.recording('after-garbage')?.ended && speaker.recording('after-garbage'), 5000, 'valid job after garbage');
    expect(rec.end).toBe('finished');
    expect(rec.stats.frames).toBe(3);
  });
});

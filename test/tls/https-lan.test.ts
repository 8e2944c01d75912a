import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpeakerFleet } from '../../simulators/speaker/fleet.js';
import { parseWav } from '../../src/broadcast/codecs/wav.js';
import { certificateFacts, signedBy } from '../../src/tls/certificate-factory.js';
import { CHROMIUM_ARGS } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { createNetns, netnsUnavailableReason, type TestNetns } from '../helpers/netns.js';
import { waitFor } from '../helpers/wait.js';
import { goertzelShare, makeToneWav } from '../broadcast/tone.js';
import { httpRequest, httpsRequest } from './https-client.js';

const unavailable = netnsUnavailableReason();
if (unavailable) console.warn(`HTTPS LAN test skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('HTTPS with a generated local CA, reached from another network namespace', () => {
  let ns: TestNetns;
  let gw: TestGateway;
  let fleet: SpeakerFleet;
  let browser: Browser;
  let ca: string;
  let base: string;
  const dir = mkdtempSync(join(tmpdir(), 'cg-https-'));

  beforeAll(async () => {
    ns = createNetns();
    gw = await startTestGateway({
      config: {
        // The gateway listens only on the host side of the veth pair: a non-loopback address.
        http: { host: ns.hostAddress, port: 0 },
        https: { mode: 'auto' },
        mqtt: {
          embedded: { tlsPort: 0 },
          devices: [{ id: 'gate', kind: 'speakers', password: 'pw-gate-secret', groups: ['all', 'gates'] }],
          integrations: [{ name: 'ha', password: 'pw-ha-integration' }],
        },
      },
    });
    ca = readFileSync(join(gw.dataDir, 'tls', 'ca.crt'), 'utf8');
    base = `https://${ns.hostAddress}:${gw.gateway.http.port}`;
    fleet = new SpeakerFleet({ speakers: [{ id: 'gate', groups: ['all', 'gates'], password: 'pw-gate-secret' }], baseTopic: gw.config.mqtt.baseTopic, dataDir: join(dir, 'speakers') });
    await fleet.start({ mqttUrl: gw.mqttUrl });
    await waitFor(() => gw.gateway.presence.get('speakers', 'gate')?.availability === 'online', 5000, 'speaker online');
    const tone = join(dir, 'tone.wav');
    makeToneWav(tone, { frequency: 1000, seconds: 30 });
    browser = await chromium.launch({
      executablePath: ns.chromiumLauncher({ trustedCaPem: ca }),
      headless: true,
      args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${tone}`],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await gw?.stop();
    ns?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('made a CA and a server certificate for the host\'s own addresses, kept private on disk', () => {
    const server = readFileSync(join(gw.dataDir, 'tls', 'server.crt'), 'utf8');
    expect(signedBy(server, ca)).toBe(true);
    const facts = certificateFacts(server);
    // The veth address was found among the host's interfaces: nobody configured it.
    expect(facts.names.ips).toContain(ns.hostAddress);
    expect(facts.names.dns).toContain('localhost');
    expect(gw.config.https.names).toEqual([]);
    for (const key of ['ca.key', 'server.key']) expect(statMode(join(gw.dataDir, 'tls', key))).toBe(0o600);
  });

  it('plain HTTP on the same port redirects to HTTPS, except the CA download a phone needs first', async () => {
    const plain = `http://${ns.hostAddress}:${gw.gateway.http.port}`;
    const redirect = await httpRequest(`${plain}/talk/?groups=gates`);
    expect(redirect.status).toBe(308);
    expect(redirect.headers.location).toBe(`${base}/talk/?groups=gates`);
    const download = await httpRequest(`${plain}/api/tls/ca.crt`);
    expect(download.status).toBe(200);
    expect(download.body).toBe(ca);
    const health = await httpsRequest(`${base}/healthz`, { ca });
    expect(health.status).toBe(200);
  });

  it('the admin sees the CA\'s fingerprint and a QR code of its download link', async () => {
    const login = await httpsRequest(`${base}/api/auth/login`, { ca, json: { name: 'admin', password: 'admin-password-1' }, origin: base });
    const token = (JSON.parse(login.body) as { token: string }).token;
    const state = JSON.parse((await httpsRequest(`${base}/api/tls`, { ca, token })).body) as { mode: string; ca: { fingerprint256: string; downloadUrl: string }; certificate: { ips: string[] } };
    expect(state.mode).toBe('auto');
    expect(state.ca.fingerprint256).toBe(certificateFacts(ca).fingerprint256);
    expect(state.ca.downloadUrl).toBe(`http://${ns.hostAddress}:${gw.gateway.http.port}/api/tls/ca.crt`);
    const qr = await httpsRequest(`${base}/api/tls/ca-qr.svg`, { ca, token });
    expect(qr.status).toBe(200);
    expect(qr.body).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const officer = JSON.parse((await httpsRequest(`${base}/api/auth/login`, { ca, json: { name: 'officer', password: 'officer-password-1' }, origin: base })).body) as { token: string };
    expect((await httpsRequest(`${base}/api/tls`, { ca, token: officer.token })).status).toBe(403);
  });

  it('the admin page shows the CA download link and its QR code in the browser', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/trust?lang=en`);
    await page.fill('input[name=name]', 'admin');
    await page.fill('input[name=password]', 'admin-password-1');
    await page.click('button[type=submit]');
    const link = await page.waitForSelector('.trust-gateway a[download]', { timeout: 10_000 });
    expect(await link.getAttribute('href')).toBe(`http://${ns.hostAddress}:${gw.gateway.http.port}/api/tls/ca.crt`);
    await page.waitForFunction(() => ((document.querySelector('.trust-gateway img') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0);
    expect(await page.textContent('.trust-gateway')).toContain(certificateFacts(ca).fingerprint256);
    await page.close();
  });

  it('MQTT over TLS on the embedded broker uses the same certificate', async () => {
    const port = gw.gateway.mqttTls!.port;
    const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${port}`, { clientId: 'ha', username: 'ha', password: 'pw-ha-integration', ca, reconnectPeriod: 0, connectTimeout: 5000 });
    const got = new Promise<string>((resolve) => client.on('message', (_topic, payload) => resolve(payload.toString())));
    await client.subscribeAsync(`${gw.config.mqtt.baseTopic}/gateway/state`);
    expect(JSON.parse(await got)).toMatchObject({ state: 'online' });
    await client.endAsync();
    // A client that does not trust the CA cannot connect.
    await expect(mqtt.connectAsync(`mqtts://127.0.0.1:${port}`, { clientId: 'ha', username: 'ha', password: 'pw-ha-integration', reconnectPeriod: 0, connectTimeout: 3000 })).rejects.toThrow(/self.signed|unable to verify|certificate/i);
  });

  it('Chromium in the other namespace opens the console in a secure context, and push-to-talk reaches the speaker', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.waitForSelector('form.login-form');
    expect(await page.evaluate(() => ({ secure: isSecureContext, microphone: typeof navigator.mediaDevices?.getUserMedia === 'function' }))).toEqual({ secure: true, microphone: true });
    await page.goto(`${base}/talk/?groups=gates`);
    await page.fill('input[name=name]', 'officer');
    await page.fill('input[name=password]', 'officer-password-1');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => !(document.getElementById('ptt') as HTMLButtonElement).disabled, undefined, { timeout: 10_000 });
    const box = (await page.locator('#ptt').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    const jobId = await page.waitForFunction(() => (window as unknown as { talkState: { jobId: string | null } }).talkState.jobId, undefined, { timeout: 10_000 }).then((h) => h.jsonValue() as Promise<string>);
    const gate = fleet.get('gate');
    await waitFor(() => (gate.recording(jobId)?.durationMs ?? 0) > 1000, 10_000, 'speech at the gate');
    await page.mouse.up();
    await page.close();
    const recording = await waitFor(() => gate.recording(jobId)?.ended && gate.recording(jobId), 5000, 'recording closed');
    const wav = parseWav(readFileSync(recording.wavPath!));
    expect(goertzelShare(wav.samples.subarray(800), wav.sampleRate, 1000)).toBeGreaterThan(0.7);
  }, 40_000);
});

function statMode(file: string): number {
  return statSync(file).mode & 0o777;
}

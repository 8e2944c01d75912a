/**
 * WS-UsernameToken and SOAP behaviour on the wire: wrong password, replayed nonce and a Created
 * outside the window are refused with ter:NotAuthorized (env:Sender); compensating the camera's
 * clock offset makes the same call pass. Unknown operations and bad arguments give the ONVIF faults.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../../simulators/onvif-camera/index.js';
import { soapCall, usernameToken } from './helpers.js';

const OFFSET_MS = 3_600_000; // the camera's clock runs an hour ahead
let sim: RunningCamera;

beforeAll(async () => {
  sim = await startCameraSimulator({ clockOffsetMs: OFFSET_MS, username: 'operator', password: 's3cret!' });
});
afterAll(async () => {
  await sim?.stop();
});

const info = '<GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/>';
const iso = (ms: number): string => new Date(ms).toISOString();

function expectNotAuthorized(reply: { status: number; text: string }): void {
  expect(reply.status).toBe(400);
  expect(reply.text.startsWith('<?xml')).toBe(true);
  expect(reply.text).toMatch(/<env:Value>env:Sender<\/env:Value><env:Subcode><env:Value>ter:NotAuthorized<\/env:Value>/);
}

describe('camera clock', () => {
  it('answers GetSystemDateAndTime without credentials, on its own offset clock', async () => {
    const reply = await soapCall(sim.urls.onvif, '<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>');
    expect(reply.status).toBe(200);
    expect(reply.text.startsWith('<?xml')).toBe(true);
    const y = Number(/<tt:Year>(\d+)/.exec(reply.text)![1]);
    const hour = Number(/<tt:UTCDateTime><tt:Time><tt:Hour>(\d+)/.exec(reply.text)![1]);
    const expected = new Date(Date.now() + OFFSET_MS);
    expect(y).toBe(expected.getUTCFullYear());
    expect([expected.getUTCHours(), (expected.getUTCHours() + 23) % 24]).toContain(hour);
  });
});

describe('WS-UsernameToken', () => {
  it('refuses a Created from the host clock (outside the window around the camera clock)', async () => {
    const reply = await soapCall(sim.urls.onvif, info, usernameToken({ username: 'operator', password: 's3cret!', created: iso(Date.now()) }));
    expectNotAuthorized(reply);
    expect(reply.text).toContain('outside');
  });

  it('accepts the same call once the client adds the camera offset, in either Created format', async () => {
    const created = iso(Date.now() + OFFSET_MS);
    const ok = await soapCall(sim.urls.onvif, info, usernameToken({ username: 'operator', password: 's3cret!', created }));
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('<tds:Manufacturer>');
    const noMillis = created.replace(/\.\d+Z$/, '+00:00');
    const ok2 = await soapCall(sim.urls.onvif, info, usernameToken({ username: 'operator', password: 's3cret!', created: noMillis }));
    expect(ok2.status).toBe(200);
  });

  it('refuses a wrong password and an unknown user', async () => {
    const created = iso(Date.now() + OFFSET_MS);
    expectNotAuthorized(await soapCall(sim.urls.onvif, info, usernameToken({ username: 'operator', password: 'guess', created })));
    expectNotAuthorized(await soapCall(sim.urls.onvif, info, usernameToken({ username: 'admin', password: 's3cret!', created })));
  });

  it('refuses a replayed nonce', async () => {
    const nonce = randomBytes(16);
    const header = usernameToken({ username: 'operator', password: 's3cret!', created: iso(Date.now() + OFFSET_MS), nonce });
    expect((await soapCall(sim.urls.onvif, info, header)).status).toBe(200);
    const replay = await soapCall(sim.urls.onvif, info, header);
    expectNotAuthorized(replay);
    expect(replay.text).toContain('replayed');
  });

  it('asks for credentials (401 + Digest challenge) when none are sent', async () => {
    const reply = await soapCall(sim.urls.onvif, info);
    expect(reply.status).toBe(401);
    expect(String(reply.headers['www-authenticate'])).toMatch(/^Digest realm="[^"]+", nonce="[0-9a-f]+"/);
    expect(reply.text).toContain('ter:NotAuthorized');
  });
});

describe('SOAP faults', () => {
  const auth = (): string => usernameToken({ username: 'operator', password: 's3cret!', created: iso(Date.now() + OFFSET_MS) });

  it('answers an unknown operation with ter:ActionNotSupported', async () => {
    const reply = await soapCall(sim.urls.onvif, '<GetWhatever xmlns="http://www.onvif.org/ver10/device/wsdl"/>', auth());
    expect(reply.status).toBe(500);
    expect(reply.text).toContain('<env:Value>env:Receiver</env:Value><env:Subcode><env:Value>ter:ActionNotSupported</env:Value>');
  });

  it('does not offer Media2 (clients would route every media call to it)', async () => {
    const reply = await soapCall(sim.urls.onvif, '<GetServices xmlns="http://www.onvif.org/ver10/device/wsdl"><IncludeCapability>true</IncludeCapability></GetServices>', auth());
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('http://www.onvif.org/ver10/media/wsdl');
    expect(reply.text).not.toContain('http://www.onvif.org/ver20/media/wsdl');
  });

  it('answers bad arguments with ter:InvalidArgVal', async () => {
    const badProfile = await soapCall(sim.urls.media, '<GetStreamUri xmlns="http://www.onvif.org/ver10/media/wsdl"><ProfileToken>nope</ProfileToken></GetStreamUri>', auth());
    expect(badProfile.status).toBe(400);
    expect(badProfile.text).toContain('<env:Value>ter:InvalidArgVal</env:Value><env:Subcode><env:Value>ter:NoProfile</env:Value>');
    const badVelocity = await soapCall(
      sim.urls.ptz,
      '<ContinuousMove xmlns="http://www.onvif.org/ver20/ptz/wsdl"><ProfileToken>main</ProfileToken><Velocity><PanTilt xmlns="http://www.onvif.org/ver10/schema" x="5" y="0"/></Velocity></ContinuousMove>',
      auth(),
    );
    expect(badVelocity.status).toBe(400);
    expect(badVelocity.text).toContain('ter:InvalidArgVal');
    expect(sim.state.ptz.panTiltStatus).toBe('IDLE');
  });

  it('refuses SOAP 1.1 envelopes with a VersionMismatch fault', async () => {
    const { httpRequest } = await import('./helpers.js');
    const reply = await httpRequest(sim.urls.onvif, {
      body: '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>',
    });
    expect(reply.status).toBe(400);
    expect(reply.text).toContain('env:VersionMismatch');
  });

  it('injected faults: the next N calls fail, slow answers are slow, then all is well again', async () => {
    sim.control.failNextCalls(2);
    const f1 = await soapCall(sim.urls.onvif, info, auth());
    const f2 = await soapCall(sim.urls.onvif, info, auth());
    expect([f1.status, f2.status]).toEqual([500, 500]);
    expect(f1.text).toContain('simulated failure');
    sim.control.slowSoap(300);
    const t0 = Date.now();
    expect((await soapCall(sim.urls.onvif, info, auth())).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    sim.control.reset();
  });

  it('a clock jump breaks the compensation the client made, as on a real camera', async () => {
    sim.control.jumpClock(120_000);
    expectNotAuthorized(await soapCall(sim.urls.onvif, info, auth()));
    sim.control.reset();
    expect((await soapCall(sim.urls.onvif, info, auth())).status).toBe(200);
  });
});

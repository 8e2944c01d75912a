import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

describe('MQTT over WebSocket on the HTTP port', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway({ config: { mqtt: { devices: [{ id: 'spk-ws', kind: 'speakers', password: 'spk-ws-secret', groups: [] }] } } });
  });

  afterAll(async () => {
    await gw?.stop();
  });

  it('accepts a device with its credentials at /mqtt and refuses a wrong password', async () => {
    const wsUrl = `${gw.url.replace('http', 'ws')}/mqtt`;
    const client = mqtt.connect(wsUrl, { username: 'spk-ws', password: 'spk-ws-secret', clientId: 'spk-ws', reconnectPeriod: 0, protocolVersion: 4 });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.publishAsync('community/speakers/spk-ws/availability', 'online', { qos: 1, retain: true });
    await waitFor(() => gw.gateway.presence.get('speakers', 'spk-ws')?.availability === 'online', 3000, 'online over WebSocket');
    await client.endAsync();

    const refused = await new Promise<Error>((resolve) => {
      const bad = mqtt.connect(wsUrl, { username: 'spk-ws', password: 'wrong', reconnectPeriod: 0 });
      bad.once('error', (err) => {
        bad.end(true);
        resolve(err);
      });
      bad.once('connect', () => resolve(new Error('connected')));
    });
    expect(refused.message).toMatch(/bad user ?name or password/i);
  });
});

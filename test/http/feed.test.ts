import mqtt from 'mqtt';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

describe('the dashboards feed mirrors the MQTT contract', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway({ config: { mqtt: { devices: [{ id: 'spk-1', kind: 'speakers', password: 'spk-1-secret', groups: [] }] } } });
  });

  afterAll(async () => {
    await gw?.stop();
  });

  it('sends retained state first, then live messages', async () => {
    const token = await gw.login('viewer');
    const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/api/feed?token=${token}`);
    const received: Array<{ type: string; topic?: string; payload?: unknown; messages?: Array<{ topic: string; payload: unknown }> }> = [];
    ws.on('message', (data) => received.push(JSON.parse(data.toString()) as (typeof received)[number]));
    await waitFor(() => received.length > 0, 3000, 'snapshot');
    expect(received[0]!.type).toBe('snapshot');
    expect(received[0]!.messages!.find((m) => m.topic === 'gateway/state')?.payload).toMatchObject({ state: 'online' });

    const device = mqtt.connect(gw.mqttUrl, { username: 'spk-1', password: 'spk-1-secret', clientId: 'spk-1', reconnectPeriod: 0 });
    await new Promise((r) => device.once('connect', r));
    await device.publishAsync('community/speakers/spk-1/availability', 'online', { qos: 1, retain: true });
    const live = await waitFor(() => received.find((m) => m.type === 'message' && m.topic === 'speakers/spk-1/availability'), 3000, 'live message');
    expect(live.payload).toBe('online');
    device.end(true);
    ws.close();
  });
});

/**
 * Child process of the MQTT benchmark: N device clients, each publishing M JSON messages at QoS 1
 * as fast as the broker acknowledges them (up to `inflight` outstanding each). Prints one JSON line
 * with what was sent. Arguments: a JSON object (see Options).
 */
import mqtt, { type MqttClient } from 'mqtt';

interface Options {
  url: string;
  devices: Array<{ id: string; password: string }>;
  topic: string; // with {id}
  messages: number;
  payloadBytes: number;
  inflight: number;
}

const options = JSON.parse(process.argv[2]!) as Options;

async function connect(id: string, password: string): Promise<MqttClient> {
  const client = mqtt.connect(options.url, { username: id, password, clientId: id, reconnectPeriod: 0, protocolVersion: 4 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

async function run(client: MqttClient, id: string): Promise<number> {
  const topic = options.topic.replace('{id}', id);
  const filler = 'x'.repeat(Math.max(0, options.payloadBytes - 80));
  let next = 0;
  let acked = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (next < options.messages && next - acked < options.inflight) {
        const seq = next++;
        const payload = JSON.stringify({ seq, sentAt: performance.timeOrigin + performance.now(), filler });
        client.publish(topic, payload, { qos: 1 }, () => {
          acked++;
          if (acked === options.messages) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  return acked;
}

const clients = await Promise.all(options.devices.map((d) => connect(d.id, d.password)));
const started = performance.timeOrigin + performance.now();
const sent = await Promise.all(clients.map((c, i) => run(c, options.devices[i]!.id)));
const finished = performance.timeOrigin + performance.now();
await Promise.all(clients.map((c) => c.endAsync()));
console.log(JSON.stringify({ sent: sent.reduce((a, b) => a + b, 0), started, finished }));

import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/** Connects and resolves once CONNACK accepted it (rejects with the broker's refusal). */
export async function connectClient(url: string, options: IClientOptions): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, ...options });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
  return client;
}

/** The refusal of a CONNECT (an error with the CONNACK code), or a thrown error when it was accepted. */
export async function connectRefusal(url: string, options: IClientOptions): Promise<Error & { code?: number }> {
  try {
    const client = await connectClient(url, options);
    client.end(true);
  } catch (err) {
    return err as Error & { code?: number };
  }
  throw new Error(`connected with ${JSON.stringify({ username: options.username, clientId: options.clientId })}, expected a refusal`);
}

/** Resolves with what happened first: the socket closed, or `ms` passed. */
export function closedWithin(client: MqttClient, ms: number): Promise<'closed' | 'open'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('open'), ms);
    client.once('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });
}

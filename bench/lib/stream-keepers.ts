/**
 * Keeps cameras' streams running at the gateway with plain WebSocket viewers in this process (the
 * MSE format, what another console or a recorder holds), so that a timed browser measures the
 * console with warm streams without four more pages decoding video in the same Chromium.
 */
import WebSocket from 'ws';

export interface StreamKeepers {
  close(): void;
}

/** Opens one MSE viewer per camera and resolves once each received media. */
export async function keepStreamsWarm(url: string, token: string, cameraIds: readonly string[], profile: 'main' | 'sub' = 'sub', timeoutMs = 60_000): Promise<StreamKeepers> {
  const sockets = cameraIds.map((id) => new WebSocket(`${url.replace('http', 'ws')}/api/streams/${encodeURIComponent(id)}?profile=${profile}&format=mse`, { headers: { authorization: `Bearer ${token}` } }));
  const keepers = { close: () => sockets.forEach((ws) => ws.close()) };
  try {
    await Promise.all(
      sockets.map(
        (ws, i) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no media from ${cameraIds[i]} within ${timeoutMs} ms`)), timeoutMs);
            ws.on('error', (err) => {
              clearTimeout(timer);
              reject(err);
            });
            ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', codecs: ['avc1.42E01E', 'avc1.42C01F', 'avc1.4D401F', 'avc1.640028', 'avc1.640033'] })));
            ws.on('message', (_data, binary) => {
              if (!binary) return;
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
  } catch (err) {
    keepers.close();
    throw err;
  }
  return keepers;
}

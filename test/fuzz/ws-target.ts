/**
 * Fuzz target: every WebSocket endpoint of the gateway's upgrade router (enumerated from the
 * running gateway, so a new endpoint is covered without touching this file), with hostile path
 * parameters and query strings, then random, malformed and oversized frames, with a token of the
 * endpoint's declared role and the gateway's own Origin.
 */
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { oddUnicode, oversizedFrame, pathParam, prototypeKey, wsFrame, type WsFrame } from './arbitraries.js';
import { CAMERA_ID, SPEAKER } from './stack.js';
import type { FuzzCase, FuzzGateway, GatewayInfo, Role } from './target.js';

export interface WsInput {
  params: Record<string, string>;
  query: Record<string, string>;
  frames: WsFrame[];
}

/** Plausible values of the query parameters the endpoints read (and a few they do not). */
const QUERY: Record<string, readonly string[]> = {
  profile: ['main', 'sub'],
  format: ['jsmpeg', 'mse', 'f32', 's16'],
  speakers: [SPEAKER.id, `${SPEAKER.id},nope`],
  groups: ['all'],
  sampleRate: ['48000', '8000', '16000'],
  takeover: ['1', 'true'],
};

const queryValue = (plausible: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...plausible) },
    { weight: 1, arbitrary: fc.oneof(oddUnicode, prototypeKey, fc.string({ maxLength: 20 }), fc.constantFrom('0', '-1', 'NaN', '1e400', '192001', '')) },
  );

const randomQuery = fc.record(Object.fromEntries(Object.entries(QUERY).map(([k, v]) => [k, queryValue(v)])), { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>;
/** Queries that some endpoint accepts (a talk really starts, a stream really attaches), so frames reach the handler. */
const acceptedQuery = fc.constantFrom<Record<string, string>>({}, { speakers: SPEAKER.id }, { groups: 'all' }, { profile: 'sub', format: 'mse' });
const queryArb = fc.oneof({ weight: 3, arbitrary: acceptedQuery }, { weight: 2, arbitrary: randomQuery });

const PLAUSIBLE_PARAMS: Record<string, readonly string[]> = { id: [CAMERA_ID, 'nope'], camera: [CAMERA_ID, 'nope'] };

function roleFor(access: string): Role | undefined {
  return access === 'public' ? undefined : (access as Role);
}

function body(frame: WsFrame): { data: string | Buffer; binary: boolean } {
  if (frame.kind === 'text') return { data: frame.data, binary: false };
  if (frame.kind === 'binary') return { data: Buffer.from(frame.data), binary: true };
  return { data: Buffer.alloc(frame.bytes, frame.binary ? 0x7b : 0x61), binary: frame.binary };
}

/** Opens the socket, sends the frames, waits briefly for the gateway to act on them, closes. */
async function exchange(url: string, origin: string, frames: readonly WsFrame[]): Promise<void> {
  const ws = new WebSocket(url, { headers: { origin }, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
  ws.on('error', () => {});
  try {
    const opened = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('unexpected-response', (_req, res) => {
        res.resume();
        resolve(false);
      });
      ws.once('close', () => resolve(false));
      ws.once('error', () => resolve(false));
    });
    if (!opened) return;
    for (const frame of frames) {
      if (ws.readyState !== ws.OPEN) break;
      const { data, binary } = body(frame);
      await new Promise<void>((resolve) => ws.send(data, { binary }, () => resolve()));
    }
    // Time for the gateway to handle what it was sent (a crash shows in the health check after).
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 100);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  } finally {
    ws.terminate();
  }
}

/** Two parts per endpoint: frames it might get, and frames with an oversized one among them (each finds its own crash). */
const FRAME_SETS = {
  frames: fc.array(wsFrame, { minLength: 1, maxLength: 6 }),
  'oversized frames': fc.tuple(fc.array(wsFrame, { maxLength: 2 }), oversizedFrame).map(([before, big]) => [...before, big]),
};

export function wsParts(info: GatewayInfo): FuzzCase<WsInput>[] {
  return info.wsEndpoints.flatMap((endpoint) => {
    const names = [...endpoint.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
    const params = fc.record(Object.fromEntries(names.map((n) => [n, pathParam(PLAUSIBLE_PARAMS[n] ?? ['x'])]))) as fc.Arbitrary<Record<string, string>>;
    return Object.entries(FRAME_SETS).map(([kind, frames]) => ({
      name: `ws ${endpoint.path} (${kind})`,
      arbitrary: fc.record({ params, query: queryArb, frames }),
      deadlineMs: 10_000,
      async act(input: WsInput, gw: FuzzGateway) {
        const role = roleFor(endpoint.access);
        const path = endpoint.path.replace(/:([A-Za-z]+)/g, (_, n: string) => input.params[n] ?? 'x');
        const query = new URLSearchParams(input.query);
        if (role) {
          // A gateway that just died cannot log in: the health check after the case says so.
          const token = await gw.token(role).catch(() => undefined);
          if (!token) return;
          query.set('token', token);
        }
        await exchange(`${gw.url.replace(/^http/, 'ws')}${path}?${query}`, gw.url, input.frames);
      },
    }));
  });
}

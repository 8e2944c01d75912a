/**
 * Fuzz target: every state-changing HTTP route (enumerated from the running gateway's route
 * modules), with plausible and hostile path parameters and random bodies (deep nesting, huge
 * strings, wrong types, prototype keys, odd unicode, other content types), sent with an admin
 * token and the gateway's own Origin so that the body reaches the handler.
 */
import fc from 'fast-check';
import { hostileBody, pathParam, type HostileBody } from './arbitraries.js';
import { BARRIER, CAMERA_ID, SPEAKER } from './stack.js';
import { compact, type FuzzCase, type FuzzGateway, type GatewayInfo } from './target.js';

export interface RouteInput {
  params: Record<string, string>;
  body: HostileBody;
}

const PLAUSIBLE_PARAMS: Record<string, readonly string[]> = {
  id: [CAMERA_ID, BARRIER.id, SPEAKER.id, '1', 'job-0000000000'],
  preset: ['1', '2', 'Preset 1'],
  name: ['tour-1', 'night'],
  group: ['all'],
};

/** Answers of 500 and above per route: not a crash, but bad input should get a 4xx (reported). */
export type ServerErrors = Map<string, { count: number; example: string }>;

export function routeParts(info: GatewayInfo, serverErrors: ServerErrors): FuzzCase<RouteInput>[] {
  return info.routes
    .filter((r) => r.method !== 'get')
    .map((route) => {
      const names = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
      const params = fc.record(Object.fromEntries(names.map((n) => [n, pathParam(PLAUSIBLE_PARAMS[n] ?? ['x'])]))) as fc.Arbitrary<Record<string, string>>;
      const name = `${route.method.toUpperCase()} ${route.path}`;
      return {
        name,
        arbitrary: fc.record({ params, body: hostileBody }),
        deadlineMs: 20_000,
        async act(input: RouteInput, gw: FuzzGateway) {
          const path = route.path.replace(/:([A-Za-z]+)/g, (_, n: string) => input.params[n] ?? 'x');
          const token = await gw.token('admin').catch(() => undefined);
          if (!token) return; // a gateway that just died cannot log in: the health check says so
          const headers: Record<string, string> = { authorization: `Bearer ${token}`, origin: gw.url };
          if (input.body.contentType) headers['content-type'] = input.body.contentType;
          let res: Response;
          try {
            res = await fetch(`${gw.url}${path}`, {
              method: route.method.toUpperCase(),
              headers,
              body: input.body.body === null ? null : typeof input.body.body === 'string' ? input.body.body : Buffer.from(input.body.body),
              // Past the case's deadline (a hang, counted by the runner): only frees the request.
              signal: AbortSignal.timeout(25_000),
            });
          } catch {
            return; // refused at the socket (e.g. a URL too long): whether the gateway lives is checked next
          }
          const text = await res.text().catch(() => '');
          if (res.status >= 500) {
            const seen = serverErrors.get(name) ?? { count: 0, example: `${res.status} ${text.slice(0, 120)} for ${compact(JSON.stringify(input)).slice(0, 300)}` };
            seen.count++;
            serverErrors.set(name, seen);
          }
          // A fuzzed logout or password change may have ended the fuzz users' logins.
          if (route.path.startsWith('/api/auth/')) await gw.refreshTokens().catch(() => {});
        },
      };
    });
}

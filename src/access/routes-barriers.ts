import { z } from 'zod';
import { BARRIER_COMMANDS, type BarrierCommand } from '../../devices/mqtt-barrier/protocol.js';
import { defineRoutes, type RouteDef, type RouteModule } from '../http/route.js';
import { parseBody } from '../http/validate.js';
import type { BarrierControl } from './barrier-control.js';
import type { ListSync } from './list-sync.js';

/** A reason of at least 3 characters, or one of the configured quick reasons (访客, 外卖 ...). */
const commandBody = (quickReasons: readonly string[]) =>
  z.strictObject({
    reason: z
      .string()
      .trim()
      .max(256)
      .refine((r) => r.length >= 3 || quickReasons.includes(r), 'say why (at least 3 characters, or one of the quick reasons); it is kept in the audit log'),
    lane: z.string().min(1).max(64).optional(),
  });

/** Barriers: state, availability, list sync; remote commands (officer, reason required, audited). */
export function barrierRoutes(deps: { control: BarrierControl; sync: ListSync; quickReasons?: readonly string[]; gateCameras?: Readonly<Record<string, string>>; utcOffsetMinutes?: number }): RouteModule {
  const body = commandBody(deps.quickReasons ?? []);
  const syncOf = (id: string) => deps.sync.status().find((s) => s.gate === id) ?? null;
  const commandRoute = (command: BarrierCommand): RouteDef => ({
    method: 'post',
    path: `/api/barriers/:id/${command}`,
    access: 'officer',
    audit: `barrier.${command}`,
    summary: `${command} the barrier (body: reason, optional lane). Answers when the barrier reports the result; 504 when it does not answer in time.`,
    handler: async (req, _res, ctx) => {
      const parsed = parseBody(body, req.body);
      const outcome = await deps.control.command(String(req.params.id), command, { issuedBy: ctx.principal?.name ?? 'unknown', reason: parsed.reason, lane: parsed.lane });
      return { barrier: req.params.id, command, ...outcome };
    },
  });
  return defineRoutes([
    {
      method: 'get',
      path: '/api/access/options',
      access: 'viewer',
      summary: 'What the gates page needs from the configuration: quick reasons, the camera of each gate, the site UTC offset.',
      handler: () => ({ quickReasons: deps.quickReasons ?? [], gateCameras: deps.gateCameras ?? {}, utcOffsetMinutes: deps.utcOffsetMinutes ?? 0 }),
    },
    {
      method: 'get',
      path: '/api/barriers',
      access: 'viewer',
      summary: 'Every barrier: availability, arm state and list sync status.',
      handler: () => ({ barriers: deps.control.list().map((b) => ({ ...b, lists: syncOf(b.id) })) }),
    },
    {
      method: 'get',
      path: '/api/barriers/:id',
      access: 'viewer',
      summary: 'One barrier: availability, arm state and list sync status.',
      handler: (req) => {
        const id = String(req.params.id);
        return { ...deps.control.view(id), lists: syncOf(id) };
      },
    },
    ...BARRIER_COMMANDS.map(commandRoute),
  ]);
}

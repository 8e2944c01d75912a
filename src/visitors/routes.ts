import type { Request } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { UserError } from '../core/errors.js';
import { defineRoutes, type RouteModule } from '../http/route.js';
import { parseBody } from '../http/validate.js';
import { parseQuery } from '../access/entry-query.js';
import type { PassSync } from './pass-sync.js';
import { passInputSchema, type PassStore, type PassView } from './passes.js';
import { dayQuerySchema, visitorReport, visitorReportCsv } from './report.js';
import type { VisitorEntries } from './visitor-entries.js';

function passId(req: Request): number {
  const id = z.coerce.number().int().positive().safeParse(req.params.id);
  if (!id.success) throw new UserError('request.id-invalid');
  return id.data;
}

/** The QR code's text is a credential: only officers and admins see it (a viewer, a TV wall, reads the rest). */
function forCaller<T extends PassView>(pass: T, principal: Principal | undefined): T | Omit<T, 'token'> {
  if (principal && principal.role !== 'viewer') return pass;
  const { token: _token, ...rest } = pass;
  return rest;
}

const idsQuerySchema = z.strictObject({ ids: z.string().regex(/^\d+(,\d+){0,499}$/, 'up to 500 entry ids, comma-separated') });

/** Visitor passes: register, list, revoke, QR image, the day's report (JSON and CSV), sync status, tags of entries. */
export function visitorRoutes(deps: { passes: () => PassStore; entries: VisitorEntries; sync: PassSync; utcOffsetMinutes: number }): RouteModule {
  return defineRoutes([
    {
      method: 'post',
      path: '/api/visitors',
      access: 'officer',
      audit: 'visitor.register',
      created: true,
      summary: 'Register a visitor (body: name, phone, building, unit, room, plate?, reason?, validFrom, validUntil) and issue a pass; the answer holds its QR text (`token`).',
      handler: (req, _res, ctx) => deps.passes().register(parseBody(passInputSchema, req.body), ctx.principal?.name ?? 'unknown'),
    },
    {
      method: 'get',
      path: '/api/visitors',
      access: 'viewer',
      summary: 'Passes valid now or later (not revoked); with ?day=YYYY-MM-DD every pass valid on that site day. The QR text only for officers.',
      handler: (req, _res, ctx) => {
        const q = parseQuery(dayQuerySchema, req.query);
        const report = q.day ? visitorReport(deps.passes(), deps.entries, q.day, deps.utcOffsetMinutes) : undefined;
        const list = report ? report.passes : deps.passes().list(undefined);
        return { version: deps.passes().version, passes: list.map((p) => forCaller(p, ctx.principal)) };
      },
    },
    {
      method: 'get',
      path: '/api/visitors/report',
      access: 'viewer',
      summary: "The site day's visitors (?day=YYYY-MM-DD, default today): each pass with its first entry, last exit and counts, and every visitor entry.",
      handler: (req, _res, ctx) => {
        const report = visitorReport(deps.passes(), deps.entries, parseQuery(dayQuerySchema, req.query).day, deps.utcOffsetMinutes);
        return { ...report, passes: report.passes.map((p) => forCaller(p, ctx.principal)) };
      },
    },
    {
      method: 'get',
      path: '/api/visitors/report.csv',
      access: 'viewer',
      summary: "The site day's visitor report as CSV (site time, UTF-8 with BOM).",
      handler: (req, res) => {
        const report = visitorReport(deps.passes(), deps.entries, parseQuery(dayQuerySchema, req.query).day, deps.utcOffsetMinutes);
        res.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="visitors-${report.day}.csv"` }).end(visitorReportCsv(report, deps.utcOffsetMinutes));
      },
    },
    {
      method: 'get',
      path: '/api/visitors/sync',
      access: 'viewer',
      summary: 'Per barrier: the visitor pass version it applied, and whether it is in sync or pending.',
      handler: () => ({ version: deps.passes().version, barriers: deps.sync.status() }),
    },
    {
      method: 'get',
      path: '/api/visitors/entries',
      access: 'viewer',
      summary: 'The visitor tags (pass id, visitor name) of these entries (?ids=1,2,3; up to 500); entries without a pass are left out.',
      handler: (req) => {
        const q = parseQuery(idsQuerySchema, req.query);
        return { entries: deps.entries.forEntries(q.ids.split(',').map(Number)) };
      },
    },
    {
      method: 'get',
      path: '/api/visitors/:id',
      access: 'viewer',
      summary: 'One pass with its entries.',
      handler: (req, _res, ctx) => {
        const id = passId(req);
        return { ...forCaller(deps.passes().get(id), ctx.principal), entries: deps.entries.ofPass(id) };
      },
    },
    {
      method: 'get',
      path: '/api/visitors/:id/qr.png',
      access: 'officer',
      summary: "The pass's QR code as a PNG image (to print or send to the visitor's phone).",
      handler: async (req, res) => {
        const pass = deps.passes().get(passId(req));
        if (pass.status === 'revoked') throw new UserError('visitor.revoked', { name: pass.name }, 410, 'gone');
        const png = await QRCode.toBuffer(pass.token, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 360 });
        res
          .status(200)
          .set({ 'Content-Type': 'image/png', 'Cache-Control': 'private, no-store', 'Content-Disposition': `inline; filename="visitor-pass-${pass.id}.png"` })
          .end(png);
      },
    },
    {
      method: 'delete',
      path: '/api/visitors/:id',
      access: 'officer',
      audit: 'visitor.revoke',
      summary: 'Revoke a pass: the barriers stop admitting it once they applied the next version.',
      handler: (req, _res, ctx) => deps.passes().revoke(passId(req), ctx.principal?.name ?? 'unknown'),
    },
  ]);
}

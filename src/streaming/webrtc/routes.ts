/**
 * WHEP (WebRTC-HTTP Egress Protocol) for live video: `POST /api/webrtc/:camera` with the browser's
 * SDP offer (application/sdp, non-trickle) answers 201 with the SDP answer and the session's
 * address in `Location`; `DELETE` on that address hangs up.
 */
import type { Request } from 'express';
import { z } from 'zod';
import type { StreamProfile } from '../../cameras/stream-sources.js';
import { UserError } from '../../core/errors.js';
import { defineRoutes, type RouteModule } from '../../http/route.js';
import { AUDIO_HEADER, MAX_OFFER_BYTES, type WebrtcService } from './webrtc-service.js';

async function readOffer(req: Request): Promise<string> {
  if (!/^application\/sdp\b/i.test(String(req.headers['content-type'] ?? ''))) throw new UserError('webrtc.offer-invalid', {}, 415, 'unsupported_media_type');
  if (Number(req.headers['content-length'] ?? 0) > MAX_OFFER_BYTES) throw new UserError('webrtc.offer-invalid', {}, 413, 'too_large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_OFFER_BYTES) throw new UserError('webrtc.offer-invalid', {}, 413, 'too_large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function webrtcRoutes(service: WebrtcService): RouteModule {
  return defineRoutes([
    {
      method: 'post',
      path: '/api/webrtc/:camera',
      access: 'viewer',
      audit: 'stream.webrtc.open',
      summary:
        'WHEP: live video of a camera over WebRTC, the camera\'s own H.264 without transcoding (?profile=main|sub, default main). ' +
        'Body: the SDP offer (application/sdp, with its candidates). Answers 201 with the SDP answer and Location: the session to DELETE. ' +
        '503 when WebRTC is off or full, 415 for a camera that is not H.264: the player then uses MSE. ' +
        'The camera\'s G.711 audio (PCMU/PCMA) rides along untouched when the offer has an audio section; X-Camera-Audio says `PCMU; carried`, `AAC; not-carried` or `none`.',
      query: z.object({ profile: z.enum(['main', 'sub']).optional() }),
      handler: async (req, res, ctx) => {
        const profile = (req.query.profile ?? 'main') as StreamProfile;
        const offer = await readOffer(req);
        const { id, answer, audio } = await service.create(String(req.params.camera), profile, offer, ctx.principal?.name ?? null);
        res.status(201).setHeader('Location', `/api/webrtc/sessions/${id}`);
        res.setHeader(AUDIO_HEADER, audio ? `${audio.codec}; ${audio.carried ? 'carried' : 'not-carried'}` : 'none');
        res.type('application/sdp').send(answer);
      },
    },
    {
      method: 'delete',
      path: '/api/webrtc/sessions/:id',
      access: 'viewer',
      audit: 'stream.webrtc.close',
      summary: 'Hang up a WebRTC session (its own viewer, or an admin).',
      handler: (req, _res, ctx) => {
        const id = String(req.params.id);
        const owner = service.owner(id);
        if (ctx.principal?.role !== 'admin' && owner !== (ctx.principal?.name ?? null)) throw new UserError('webrtc.session-not-found', { id }, 404, 'not_found');
        service.end(id);
      },
    },
    {
      method: 'get',
      path: '/api/webrtc/sessions',
      access: 'admin',
      summary: 'WebRTC viewers now connected or connecting.',
      handler: () => ({ sessions: service.list() }),
    },
  ]);
}

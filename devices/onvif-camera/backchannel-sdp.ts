/**
 * Finds the ONVIF audio backchannel in a DESCRIBE answer: the audio media marked `a=sendonly`
 * (ONVIF Streaming spec: the client sends on it), its G.711 payload type and its control URL.
 * Static payload types 0 (PCMU) and 8 (PCMA) need no rtpmap; dynamic ones name PCMU/PCMA/8000.
 */

export type G711Codec = 'pcmu' | 'pcma';

export interface BackchannelTrack {
  codec: G711Codec;
  payloadType: number;
  clockRate: number;
  /** Absolute control URL to SETUP. */
  controlUrl: string;
}

export type BackchannelSdpResult = { ok: true; track: BackchannelTrack } | { ok: false; reason: string };

const STATIC: Record<number, { codec: G711Codec; clockRate: number }> = { 0: { codec: 'pcmu', clockRate: 8000 }, 8: { codec: 'pcma', clockRate: 8000 } };

/** Resolves a control attribute against Content-Base (or the request URL), as RFC 2326 C.1.1 says. */
export function resolveControl(control: string | undefined, base: string): string {
  if (!control || control === '*') return base;
  if (/^rtsp:\/\//i.test(control)) return control;
  return `${base.endsWith('/') ? base : `${base}/`}${control.replace(/^\//, '')}`;
}

export function findBackchannel(sdp: string, base: string, prefer: readonly G711Codec[] = ['pcmu', 'pcma']): BackchannelSdpResult {
  const lines = sdp.split(/\r?\n/).slice(0, 500);
  const media: Array<{ line: string; attrs: string[] }> = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('m=')) media.push({ line, attrs: [] });
    else if (media.length) media.at(-1)!.attrs.push(line);
  }
  const sendonly = media.filter((m) => /^m=audio\s/.test(m.line) && m.attrs.includes('a=sendonly'));
  if (sendonly.length === 0) return { ok: false, reason: 'its DESCRIBE answer has no sendonly audio track' };
  const offered: string[] = [];
  for (const m of sendonly) {
    const formats = m.line.split(/\s+/).slice(3).map(Number).filter((n) => Number.isInteger(n) && n >= 0 && n < 128);
    const candidates: Array<{ codec: G711Codec; payloadType: number; clockRate: number }> = [];
    for (const pt of formats) {
      const rtpmap = m.attrs.find((a) => a.startsWith(`a=rtpmap:${pt} `));
      const mapped = rtpmap ? /^a=rtpmap:\d+\s+([^/\s]+)\/(\d+)/.exec(rtpmap) : null;
      const name = mapped ? mapped[1]!.toUpperCase() : undefined;
      const clockRate = mapped ? Number(mapped[2]) : STATIC[pt]?.clockRate;
      const codec = name === 'PCMU' ? 'pcmu' : name === 'PCMA' ? 'pcma' : name === undefined ? STATIC[pt]?.codec : undefined;
      offered.push(name ? `${name}/${clockRate}` : String(pt));
      if (codec && clockRate === 8000) candidates.push({ codec, payloadType: pt, clockRate });
    }
    candidates.sort((a, b) => prefer.indexOf(a.codec) - prefer.indexOf(b.codec));
    const best = candidates.find((c) => prefer.includes(c.codec));
    if (best) {
      const control = m.attrs.find((a) => a.startsWith('a=control:'))?.slice(10).trim();
      return { ok: true, track: { ...best, controlUrl: resolveControl(control, base) } };
    }
  }
  return { ok: false, reason: `its backchannel wants ${offered.join(', ') || 'no codec'}; only G.711 (PCMU or PCMA at 8 kHz) is spoken` };
}

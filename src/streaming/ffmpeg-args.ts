/** The ffmpeg command line for each format; input options come before `-i` (node-rtsp-stream could not set them). */
import type { StreamSource } from '../cameras/stream-sources.js';
import { mpeg1BitrateKbps, mpeg1OutputRate } from './jsmpeg-format.js';
import type { StreamFormat } from './types.js';

export interface PipelineArgsOptions {
  rtspTransport: 'tcp' | 'udp';
  /** Socket timeout for the camera connection, ms. */
  inputTimeoutMs: number;
  /** MPEG1 bitrate for `jsmpeg`; null: derived from size and rate. */
  jsmpegBitrateKbps: number | null;
}

export function inputArgs(source: StreamSource, o: PipelineArgsOptions): string[] {
  return [
    '-hide_banner', '-nostats', '-loglevel', 'error', '-nostdin',
    '-rtsp_transport', o.rtspTransport,
    '-timeout', String(o.inputTimeoutMs * 1000),
    // No `-fflags nobuffer`: it throws away the packets read while probing, and the first of them is
    // the keyframe the camera starts with, so ffmpeg (which starts a copy or a decode at a keyframe)
    // waited for the next one: a whole GOP (measured: first fragment 1.70 s -> 0.70 s after spawn,
    // 1 s GOP). The probe buffer it would save holds one packet here, so it costs no latency later.
    '-flags', 'low_delay',
    // The SDP carries the parameter sets (sprop-parameter-sets): read no video before starting. The
    // old 0.5 s analysis delayed the header by as much (header 1.30 s -> 0.63 s after spawn).
    '-analyzeduration', '0', '-probesize', '32',
    '-i', source.rtspUrl,
    '-an', '-sn', '-dn',
  ];
}

export function jsmpegArgs(source: StreamSource, o: PipelineArgsOptions): string[] {
  const rate = mpeg1OutputRate(source.fps);
  const kbps = mpeg1BitrateKbps(source.width, source.height, rate, o.jsmpegBitrateKbps);
  return [
    ...inputArgs(source, o),
    '-c:v', 'mpeg1video', '-r', String(rate), '-g', String(rate), '-bf', '0',
    '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${Math.round(kbps / 2)}k`,
    // The camera's size, so the header we send (taken from the profile) is the picture's size.
    '-s', `${source.width}x${source.height}`,
    '-f', 'mpegts', '-muxdelay', '0', '-muxpreload', '0', '-flush_packets', '1', 'pipe:1',
  ];
}

export function mseArgs(source: StreamSource, o: PipelineArgsOptions): string[] {
  return [
    ...inputArgs(source, o),
    '-c:v', 'copy',
    ...(source.codec === 'h265' ? ['-tag:v', 'hvc1'] : []),
    '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame+skip_trailer',
    '-flush_packets', '1', 'pipe:1',
  ];
}

export function pipelineArgs(format: StreamFormat, source: StreamSource, o: PipelineArgsOptions): string[] {
  return format === 'jsmpeg' ? jsmpegArgs(source, o) : mseArgs(source, o);
}

/** Removes credentials from anything ffmpeg printed (it echoes the input URL in its errors). */
export function redactCredentials(text: string, source?: Pick<StreamSource, 'rtspUrl'>): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
  if (source) {
    try {
      const url = new URL(source.rtspUrl);
      for (const secret of [url.password, decodeURIComponent(url.password)]) if (secret.length >= 3) out = out.split(secret).join('***');
    } catch {
      // not a URL: nothing more to hide
    }
  }
  return out;
}

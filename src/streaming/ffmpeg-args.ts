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
  /**
   * ffmpeg sets up the camera's audio track too (the relay in front of it passes the audio RTP to
   * WebRTC viewers; ffmpeg's own output stays video only: `-map 0:v:0`, `-an`). false: video only.
   */
  audio?: boolean;
}

/**
 * The camera URL (with its credentials) never goes on ffmpeg's command line, where `ps` and
 * /proc/<pid>/cmdline show it to every local user: ffmpeg reads it from stdin as a one-entry
 * ffconcat list (concat demuxer), with the RTSP input options as the entry's `option` lines.
 * Measured: header and first fragment as soon as with `-i <url>` (see docs/streaming.md).
 */
export function inputArgs(): string[] {
  return [
    '-hide_banner', '-nostats', '-loglevel', 'error', '-nostdin',
    // `-auto_convert 0`: pass the camera's packets through untouched, as the RTSP input did.
    '-f', 'concat', '-safe', '0', '-auto_convert', '0', '-protocol_whitelist', 'pipe,rtsp,rtsps,rtp,tcp,udp,tls',
    // No `-fflags nobuffer`: it throws away the packets read while probing, and the first of them is
    // the keyframe the camera starts with, so ffmpeg (which starts a copy or a decode at a keyframe)
    // waited for the next one: a whole GOP (measured: first fragment 1.70 s -> 0.70 s after spawn,
    // 1 s GOP). The probe buffer it would save holds one packet here, so it costs no latency later.
    '-flags', 'low_delay',
    // The SDP carries the parameter sets (sprop-parameter-sets): read no video before starting. The
    // old 0.5 s analysis delayed the header by as much (header 1.30 s -> 0.63 s after spawn).
    '-analyzeduration', '0', '-probesize', '32',
    '-i', 'pipe:0',
    '-an', '-sn', '-dn',
  ];
}

/** ffconcat quoting: inside '...' nothing is special except the quote itself. */
function quoted(value: string): string {
  // A line break would end the directive (and could add another): percent-encode control characters.
  const clean = [...value].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}` : c)).join('');
  return `'${clean.replace(/'/g, "'\\''")}'`;
}

/** What ffmpeg reads on stdin: the camera URL and the RTSP demuxer's options (inner input of concat). */
export function inputList(source: StreamSource, o: PipelineArgsOptions): string {
  return [
    'ffconcat version 1.0',
    `file ${quoted(source.rtspUrl)}`,
    `option rtsp_transport ${o.rtspTransport}`,
    `option timeout ${o.inputTimeoutMs * 1000}`,
    'option analyzeduration 0',
    // A camera with a microphone sends audio before its first keyframe: with a 32-byte probe ffmpeg
    // stopped at the first audio packet, before the video's size was known, and exited ("Output file
    // does not contain any stream"). With audio: probe until the video's first picture (it stops as
    // soon as every track is known; the frame-rate count, which would wait 20 pictures, is off).
    // Without: ffmpeg does not set the audio up at all (the camera sends none).
    ...(o.audio ? ['option probesize 500000', 'option fpsprobesize 0'] : ['option probesize 32', 'option allowed_media_types video']),
    '',
  ].join('\n');
}

export function jsmpegArgs(source: StreamSource, o: PipelineArgsOptions): string[] {
  const rate = mpeg1OutputRate(source.fps);
  const kbps = mpeg1BitrateKbps(source.width, source.height, rate, o.jsmpegBitrateKbps);
  return [
    ...inputArgs(),
    '-map', '0:v:0', '-c:v', 'mpeg1video', '-r', String(rate), '-g', String(rate), '-bf', '0',
    '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${Math.round(kbps / 2)}k`,
    // The camera's size, so the header we send (taken from the profile) is the picture's size.
    '-s', `${source.width}x${source.height}`,
    '-f', 'mpegts', '-muxdelay', '0', '-muxpreload', '0', '-flush_packets', '1', 'pipe:1',
  ];
}

export function mseArgs(source: Pick<StreamSource, 'codec'>): string[] {
  return [
    ...inputArgs(),
    // The camera's video only, untouched: recording, MSE and WebRTC's first pictures come from here.
    '-map', '0:v:0', '-c:v', 'copy',
    ...(source.codec === 'h265' ? ['-tag:v', 'hvc1'] : []),
    '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame+skip_trailer',
    '-flush_packets', '1', 'pipe:1',
  ];
}

export interface PipelineCommand {
  args: string[];
  /** Written to ffmpeg's stdin, then closed: holds the credentials. */
  stdin: string;
}

export function pipelineArgs(format: StreamFormat, source: StreamSource, o: PipelineArgsOptions): PipelineCommand {
  return { args: format === 'jsmpeg' ? jsmpegArgs(source, o) : mseArgs(source), stdin: inputList(source, o) };
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

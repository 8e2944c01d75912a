/** SDP for a profile's stream (RFC 6184 / RFC 7798 fmtp) and the optional backchannel track. */
import type { ProfileSpec } from '../context.js';
import { audioRtpMap, type CameraAudioCodec } from '../audio-source.js';
import { nalType } from '../nal.js';

export const VIDEO_TRACK = 'trackID=0';
export const BACKCHANNEL_TRACK = 'trackID=1';
export const AUDIO_TRACK = 'trackID=2';

export function buildSdp(opts: {
  profile: ProfileSpec;
  parameterSets: readonly Buffer[];
  host: string;
  sessionName: string;
  /** The backchannel's G.711, or false for none. */
  backchannel: 'pcmu' | 'pcma' | false;
  /** The camera's microphone (audio the client receives), or false for none. */
  audio?: CameraAudioCodec | false;
}): string {
  const { profile, parameterSets, host } = opts;
  const b64 = (type: number): string[] =>
    parameterSets.filter((n) => nalType(profile.codec, n) === type).map((n) => n.toString('base64'));
  const lines = [
    'v=0',
    `o=- ${Date.now()} 1 IN IP4 ${host}`,
    `s=${opts.sessionName.replace(/[\r\n]/g, ' ')}`,
    `c=IN IP4 ${host}`,
    't=0 0',
    'a=control:*',
    'a=range:npt=0-',
    'm=video 0 RTP/AVP 96',
    `b=AS:${profile.bitrateKbps}`,
  ];
  if (profile.codec === 'h264') {
    const sps = parameterSets.find((n) => nalType('h264', n) === 7);
    const profileLevelId = sps && sps.length >= 4 ? sps.subarray(1, 4).toString('hex').toUpperCase() : '42E01F';
    lines.push('a=rtpmap:96 H264/90000', `a=fmtp:96 packetization-mode=1;profile-level-id=${profileLevelId};sprop-parameter-sets=${[...b64(7), ...b64(8)].join(',')}`);
  } else {
    lines.push('a=rtpmap:96 H265/90000', `a=fmtp:96 sprop-vps=${b64(32).join(',')};sprop-sps=${b64(33).join(',')};sprop-pps=${b64(34).join(',')}`);
  }
  lines.push(`a=framerate:${profile.fps}`, `a=x-dimensions:${profile.width},${profile.height}`, `a=control:${VIDEO_TRACK}`);
  if (opts.audio) {
    // As IP cameras offer their microphone: a static G.711 payload type, received by the client.
    const { payloadType, name, clockRate } = audioRtpMap(opts.audio);
    lines.push(`m=audio 0 RTP/AVP ${payloadType}`, 'b=AS:64', `a=rtpmap:${payloadType} ${name}/${clockRate}`, 'a=recvonly', `a=control:${AUDIO_TRACK}`);
  }
  if (opts.backchannel) {
    const [pt, name] = opts.backchannel === 'pcma' ? [8, 'PCMA'] : [0, 'PCMU'];
    lines.push(`m=audio 0 RTP/AVP ${pt}`, `a=rtpmap:${pt} ${name}/8000`, 'a=sendonly', `a=control:${BACKCHANNEL_TRACK}`);
  }
  return lines.join('\r\n') + '\r\n';
}

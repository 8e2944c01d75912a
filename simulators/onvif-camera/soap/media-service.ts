/** ONVIF Media (ver10/media/wsdl) operations. Media2 is deliberately not offered. */
import type { CameraContext, ProfileSpec } from '../context.js';
import {
  AUDIO_OUTPUT_CONFIG_TOKEN,
  AUDIO_OUTPUT_TOKEN,
  profileByToken,
  VIDEO_SOURCE_CONFIG_TOKEN,
  VIDEO_SOURCE_TOKEN,
} from '../context.js';
import { childText, esc, invalidArg } from './envelope.js';
import type { OperationTable } from './dispatch.js';
import { mediaServiceCapabilitiesXml } from './device-service.js';
import { ptzConfigurationXml } from './ptz-xml.js';

function sourceSize(ctx: CameraContext): { width: number; height: number; fps: number } {
  const main = ctx.profiles[0]!;
  return { width: main.width, height: main.height, fps: main.fps };
}

function videoSourceConfigXml(ctx: CameraContext, tag: string): string {
  const s = sourceSize(ctx);
  return (
    `<${tag} token="${VIDEO_SOURCE_CONFIG_TOKEN}"><tt:Name>VideoSourceConfig</tt:Name><tt:UseCount>${ctx.profiles.length}</tt:UseCount>` +
    `<tt:SourceToken>${VIDEO_SOURCE_TOKEN}</tt:SourceToken><tt:Bounds x="0" y="0" width="${s.width}" height="${s.height}"/></${tag}>`
  );
}

function videoEncoderConfigXml(p: ProfileSpec, tag: string): string {
  // Media1's schema knows JPEG, MPEG4 and H264 only; an H.265 stream is announced truthfully in its SDP.
  return (
    `<${tag} token="${p.encoderToken}"><tt:Name>${esc(p.name)}Encoder</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding>` +
    `<tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution><tt:Quality>5</tt:Quality>` +
    `<tt:RateControl><tt:FrameRateLimit>${p.fps}</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>${p.bitrateKbps}</tt:BitrateLimit></tt:RateControl>` +
    `<tt:H264><tt:GovLength>${p.fps}</tt:GovLength><tt:H264Profile>Baseline</tt:H264Profile></tt:H264>` +
    `<tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address><tt:Port>0</tt:Port><tt:TTL>0</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast>` +
    `<tt:SessionTimeout>PT60S</tt:SessionTimeout></${tag}>`
  );
}

function audioOutputConfigXml(ctx: CameraContext, tag: string): string {
  return (
    `<${tag} token="${AUDIO_OUTPUT_CONFIG_TOKEN}"><tt:Name>Loudspeaker</tt:Name><tt:UseCount>${ctx.profiles.length}</tt:UseCount>` +
    `<tt:OutputToken>${AUDIO_OUTPUT_TOKEN}</tt:OutputToken><tt:SendPrimacy>www.onvif.org/ver20/HalfDuplex/Auto</tt:SendPrimacy><tt:OutputLevel>80</tt:OutputLevel></${tag}>`
  );
}

function profileXml(ctx: CameraContext, p: ProfileSpec, tag: string): string {
  const extension = ctx.backchannel
    ? `<tt:Extension>${audioOutputConfigXml(ctx, 'tt:AudioOutputConfiguration')}` +
      `<tt:AudioDecoderConfiguration token="AudioDecoderConfig_1"><tt:Name>G711Decoder</tt:Name><tt:UseCount>${ctx.profiles.length}</tt:UseCount></tt:AudioDecoderConfiguration></tt:Extension>`
    : '';
  return (
    `<${tag} token="${p.token}" fixed="true"><tt:Name>${esc(p.name)}</tt:Name>` +
    videoSourceConfigXml(ctx, 'tt:VideoSourceConfiguration') +
    videoEncoderConfigXml(p, 'tt:VideoEncoderConfiguration') +
    (ctx.behaviours.noPtz ? '' : ptzConfigurationXml(ctx, 'tt:PTZConfiguration')) +
    extension +
    `</${tag}>`
  );
}

function requireProfile(ctx: CameraContext, token: string | undefined): ProfileSpec {
  const p = profileByToken(ctx, token);
  if (!p) throw invalidArg(`no media profile "${token ?? ''}"`, 'ter:NoProfile');
  return p;
}

function mediaUri(uri: string): string {
  return `<trt:MediaUri><tt:Uri>${esc(uri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT60S</tt:Timeout></trt:MediaUri>`;
}

export const mediaOperations: OperationTable = {
  GetServiceCapabilities: {
    handle: () => `<trt:GetServiceCapabilitiesResponse>${mediaServiceCapabilitiesXml()}</trt:GetServiceCapabilitiesResponse>`,
  },
  GetProfiles: {
    handle: (_req, ctx) => `<trt:GetProfilesResponse>${ctx.profiles.map((p) => profileXml(ctx, p, 'trt:Profiles')).join('')}</trt:GetProfilesResponse>`,
  },
  GetProfile: {
    handle: (req, ctx) => `<trt:GetProfileResponse>${profileXml(ctx, requireProfile(ctx, childText(req.body, 'ProfileToken')), 'trt:Profile')}</trt:GetProfileResponse>`,
  },
  GetVideoSources: {
    handle: (_req, ctx) => {
      const s = sourceSize(ctx);
      return (
        `<trt:GetVideoSourcesResponse><trt:VideoSources token="${VIDEO_SOURCE_TOKEN}"><tt:Framerate>${s.fps}</tt:Framerate>` +
        `<tt:Resolution><tt:Width>${s.width}</tt:Width><tt:Height>${s.height}</tt:Height></tt:Resolution></trt:VideoSources></trt:GetVideoSourcesResponse>`
      );
    },
  },
  GetVideoSourceConfigurations: {
    handle: (_req, ctx) => `<trt:GetVideoSourceConfigurationsResponse>${videoSourceConfigXml(ctx, 'trt:Configurations')}</trt:GetVideoSourceConfigurationsResponse>`,
  },
  GetVideoEncoderConfigurations: {
    handle: (_req, ctx) =>
      `<trt:GetVideoEncoderConfigurationsResponse>${ctx.profiles.map((p) => videoEncoderConfigXml(p, 'trt:Configurations')).join('')}</trt:GetVideoEncoderConfigurationsResponse>`,
  },
  GetStreamUri: {
    handle: (req, ctx) => {
      const p = requireProfile(ctx, childText(req.body, 'ProfileToken'));
      const stream = childText(req.body, 'StreamSetup', 'Stream') ?? 'RTP-Unicast';
      const protocol = childText(req.body, 'StreamSetup', 'Transport', 'Protocol') ?? 'RTSP';
      if (stream !== 'RTP-Unicast') throw invalidArg(`stream type ${stream} is not supported (RTP-Unicast only)`, 'ter:InvalidStreamSetup');
      if (!['RTSP', 'UDP', 'TCP'].includes(protocol)) throw invalidArg(`transport ${protocol} is not supported (RTSP, UDP, TCP)`, 'ter:InvalidStreamSetup');
      return `<trt:GetStreamUriResponse>${mediaUri(ctx.urls.rtsp[p.token]!)}</trt:GetStreamUriResponse>`;
    },
  },
  GetSnapshotUri: {
    handle: (req, ctx) => {
      const p = requireProfile(ctx, childText(req.body, 'ProfileToken'));
      return `<trt:GetSnapshotUriResponse>${mediaUri(ctx.urls.snapshot[p.token]!)}</trt:GetSnapshotUriResponse>`;
    },
  },
  GetAudioOutputs: {
    // A camera without a loudspeaker lists none.
    handle: (_req, ctx) => `<trt:GetAudioOutputsResponse>${ctx.backchannel ? `<trt:AudioOutputs token="${AUDIO_OUTPUT_TOKEN}"/>` : ''}</trt:GetAudioOutputsResponse>`,
  },
  GetAudioOutputConfigurations: {
    handle: (_req, ctx) => `<trt:GetAudioOutputConfigurationsResponse>${ctx.backchannel ? audioOutputConfigXml(ctx, 'trt:Configurations') : ''}</trt:GetAudioOutputConfigurationsResponse>`,
  },
};

/**
 * What a camera can do, read once after connect from its services, media profiles and PTZ node.
 * Real cameras differ (field notes): some have no PTZ service, some no presets or home position
 * (MaximumNumberOfPresets 0, HomeSupported false), some lack a move space. The gateway hides
 * what a camera lacks and answers a clear "not supported" instead of a SOAP fault.
 */
import type { OnvifClient, RawProfile } from './onvif-client.js';

export interface ProfileInfo {
  token: string;
  name: string;
  codec: 'h264' | 'h265' | 'unknown';
  width: number;
  height: number;
  fps: number;
}

export interface CameraCapabilities {
  ptz: boolean;
  continuousMove: boolean;
  absoluteMove: boolean;
  relativeMove: boolean;
  zoom: boolean;
  presets: boolean;
  maxPresets: number;
  home: boolean;
  events: boolean;
  snapshot: boolean;
  profiles: ProfileInfo[];
  /** Profile the PTZ commands name (the first with a PTZ configuration). */
  ptzProfileToken: string | null;
  /** For each capability the camera lacks: what was observed (shown in "does not support" answers). */
  reasons: Partial<Record<'ptz' | 'continuousMove' | 'absoluteMove' | 'relativeMove' | 'zoom' | 'presets' | 'home' | 'snapshot' | 'events', string>>;
}

interface RawNode {
  supportedPTZSpaces?: Record<string, unknown>;
  maximumNumberOfPresets?: number;
  homeSupported?: boolean | string;
}

export function profileInfo(p: RawProfile): ProfileInfo {
  const enc = p.videoEncoderConfiguration;
  const encoding = String(enc?.encoding ?? '').toUpperCase();
  return {
    token: p.$.token,
    name: p.name ?? p.$.token,
    codec: encoding === 'H264' ? 'h264' : encoding === 'H265' || encoding === 'HEVC' ? 'h265' : 'unknown',
    width: Number(enc?.resolution?.width ?? 0),
    height: Number(enc?.resolution?.height ?? 0),
    fps: Number(enc?.rateControl?.frameRateLimit ?? 0),
  };
}

function hasSpace(spaces: Record<string, unknown> | undefined, key: string): boolean {
  return Boolean(spaces && spaces[key] !== undefined);
}

/** Reads capabilities; any optional query that fails makes that capability absent, never the connect. */
export async function readCapabilities(client: OnvifClient): Promise<CameraCapabilities> {
  const cam = client.cam;
  const profiles = (cam.profiles ?? []).map(profileInfo);
  const ptzProfile = (cam.profiles ?? []).find((p) => p.PTZConfiguration) ?? null;
  const caps: CameraCapabilities = {
    ptz: false,
    continuousMove: false,
    absoluteMove: false,
    relativeMove: false,
    zoom: false,
    presets: false,
    maxPresets: 0,
    home: false,
    events: Boolean(cam.uri?.events),
    snapshot: Boolean(cam.uri?.media || cam.uri?.media2) && profiles.length > 0,
    profiles,
    ptzProfileToken: ptzProfile?.$.token ?? null,
    reasons: {},
  };
  if (!caps.events) caps.reasons.events = 'it advertises no event service';
  if (!caps.snapshot) caps.reasons.snapshot = profiles.length === 0 ? 'it has no media profile' : 'it advertises no media service';
  if (!cam.uri?.ptz || !ptzProfile) {
    caps.reasons.ptz = !cam.uri?.ptz ? 'it advertises no PTZ service' : 'none of its media profiles has a PTZ configuration';
    return caps;
  }
  caps.ptz = true;
  let nodes: Record<string, RawNode> = {};
  try {
    nodes = await client.call<Record<string, RawNode>>('getNodes');
  } catch {
    // A camera without GetNodes: assume the generic spaces and try; faults are mapped per call.
    Object.assign(caps, { continuousMove: true, absoluteMove: true, relativeMove: true, zoom: true, presets: true, maxPresets: 1, home: true });
    return caps;
  }
  const nodeToken = ptzProfile.PTZConfiguration?.nodeToken;
  const node = (nodeToken ? nodes[nodeToken] : undefined) ?? Object.values(nodes)[0];
  const spaces = node?.supportedPTZSpaces;
  caps.continuousMove = hasSpace(spaces, 'continuousPanTiltVelocitySpace');
  caps.absoluteMove = hasSpace(spaces, 'absolutePanTiltPositionSpace');
  caps.relativeMove = hasSpace(spaces, 'relativePanTiltTranslationSpace');
  caps.zoom = hasSpace(spaces, 'continuousZoomVelocitySpace') || hasSpace(spaces, 'absoluteZoomPositionSpace');
  caps.maxPresets = Number(node?.maximumNumberOfPresets ?? 0);
  caps.presets = caps.maxPresets > 0;
  caps.home = node?.homeSupported === true || node?.homeSupported === 'true';
  const where = node ? 'its PTZ node' : 'GetNodes named no PTZ node, so';
  if (!caps.continuousMove) caps.reasons.continuousMove = `${where} lists no continuous pan/tilt velocity space`;
  if (!caps.absoluteMove) caps.reasons.absoluteMove = `${where} lists no absolute pan/tilt position space`;
  if (!caps.relativeMove) caps.reasons.relativeMove = `${where} lists no relative pan/tilt translation space`;
  if (!caps.zoom) caps.reasons.zoom = `${where} lists no zoom space`;
  if (!caps.presets) caps.reasons.presets = node ? `its PTZ node reports MaximumNumberOfPresets ${caps.maxPresets}` : 'GetNodes named no PTZ node';
  if (!caps.home) caps.reasons.home = node ? `its PTZ node reports HomeSupported ${String(node.homeSupported ?? 'absent')}` : 'GetNodes named no PTZ node';
  return caps;
}

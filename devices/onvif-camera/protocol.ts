/**
 * ONVIF facts shared by the camera simulator and the gateway's ONVIF driver: namespaces,
 * generic PTZ spaces, event topics, fault codes and the value ranges they use.
 * Nothing here speaks the wire; it only names what the wire carries.
 */

export const NS = {
  soapEnv: 'http://www.w3.org/2003/05/soap-envelope',
  wsa: 'http://www.w3.org/2005/08/addressing',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  tt: 'http://www.onvif.org/ver10/schema',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  tev: 'http://www.onvif.org/ver10/events/wsdl',
  timg: 'http://www.onvif.org/ver20/imaging/wsdl',
  /** Media2: deliberately NOT advertised by the simulator (clients would route every media call to it). */
  tr2: 'http://www.onvif.org/ver20/media/wsdl',
  ter: 'http://www.onvif.org/ver10/error',
  wsnt: 'http://docs.oasis-open.org/wsn/b-2',
  wstop: 'http://docs.oasis-open.org/wsn/t-1',
  tns1: 'http://www.onvif.org/ver10/topics',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  wsd: 'http://schemas.xmlsoap.org/ws/2005/04/discovery',
  wsaDiscovery: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  dn: 'http://www.onvif.org/ver10/network/wsdl',
} as const;

export const PASSWORD_DIGEST_TYPE =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
export const PASSWORD_TEXT_TYPE =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

/** ONVIF generic PTZ spaces (PTZ spec): pan/tilt in -1..1, zoom velocity -1..1, zoom position 0..1. */
export const SPACES = {
  panTiltPosition: 'http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace',
  panTiltTranslation: 'http://www.onvif.org/ver10/tptz/PanTiltSpaces/TranslationGenericSpace',
  panTiltVelocity: 'http://www.onvif.org/ver10/tptz/PanTiltSpaces/VelocityGenericSpace',
  panTiltSpeed: 'http://www.onvif.org/ver10/tptz/PanTiltSpaces/GenericSpeedSpace',
  zoomPosition: 'http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace',
  zoomTranslation: 'http://www.onvif.org/ver10/tptz/ZoomSpaces/TranslationGenericSpace',
  zoomVelocity: 'http://www.onvif.org/ver10/tptz/ZoomSpaces/VelocityGenericSpace',
  zoomSpeed: 'http://www.onvif.org/ver10/tptz/ZoomSpaces/ZoomGenericSpeedSpace',
} as const;

export const TOPIC_DIALECT_CONCRETE_SET = 'http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet';
export const TOPIC_DIALECT_SIMPLE = 'http://docs.oasis-open.org/wsn/t-1/TopicExpression/Simple';
export const MESSAGE_CONTENT_DIALECT = 'http://www.onvif.org/ver10/tev/messageContentFilter/ItemFilter';

/** Event topics the simulator raises (prefix tns1 = NS.tns1). */
export const TOPICS = {
  motionAlarm: 'tns1:VideoSource/MotionAlarm',
} as const;

/** Backchannel (audio to the camera's loudspeaker) RTSP feature tag, ONVIF Streaming spec. */
export const BACKCHANNEL_REQUIRE = 'www.onvif.org/ver20/backchannel';

/** SOAP fault subcodes (ter: = NS.ter) used by the simulator and expected by the driver. */
export const FAULTS = {
  notAuthorized: 'ter:NotAuthorized',
  actionNotSupported: 'ter:ActionNotSupported',
  invalidArgVal: 'ter:InvalidArgVal',
  invalidArgs: 'ter:InvalidArgs',
  noProfile: 'ter:NoProfile',
  noToken: 'ter:NoToken',
  noEntity: 'ter:NoEntity',
  spaceNotSupported: 'ter:SpaceNotSupported',
  invalidPosition: 'ter:InvalidPosition',
  tooManyPresets: 'ter:TooManyPresets',
  presetExist: 'ter:PresetExist',
  noHomePosition: 'ter:NoHomePosition',
  noPtzProfile: 'ter:NoPTZProfile',
  invalidTimeout: 'ter:InvalidTimeout',
  actionFailed: 'ter:Action',
  wellFormed: 'ter:WellFormed',
} as const;

export type FaultCode = (typeof FAULTS)[keyof typeof FAULTS];

export type MoveStatus = 'IDLE' | 'MOVING' | 'UNKNOWN';

/** A camera's physical PTZ range. Pan is always 0..360 degrees, wrapping. */
export interface PtzRanges {
  tiltMinDeg: number;
  tiltMaxDeg: number;
  zoomMin: number;
  zoomMax: number;
}

/** Maximum speeds of the mechanics. */
export interface PtzSpeeds {
  panDegPerSec: number;
  tiltDegPerSec: number;
  /** Generic zoom units (0..1 full range) per second. */
  zoomGenericPerSec: number;
}

export const DEFAULT_PTZ_RANGES: PtzRanges = { tiltMinDeg: -90, tiltMaxDeg: 20, zoomMin: 1, zoomMax: 30 };
export const DEFAULT_PTZ_SPEEDS: PtzSpeeds = { panDegPerSec: 100, tiltDegPerSec: 60, zoomGenericPerSec: 0.5 };

/** Physical position in degrees and zoom factor. */
export interface PtzPhysical {
  panDeg: number;
  tiltDeg: number;
  zoom: number;
}

/** Position in ONVIF generic spaces: pan/tilt -1..1, zoom 0..1. */
export interface PtzGeneric {
  x: number;
  y: number;
  zoom: number;
}

/**
 * Generic <-> physical mapping used by the simulator (and documented for the driver):
 * pan generic x in -1..1 maps to x*180 degrees (0 = north, 0.5 = east, -0.5 = west),
 * tilt generic y maps linearly onto tiltMin..tiltMax, zoom generic 0..1 onto zoomMin..zoomMax.
 */
export function genericToPhysical(g: PtzGeneric, r: PtzRanges): PtzPhysical {
  return {
    panDeg: wrapDeg(g.x * 180),
    tiltDeg: r.tiltMinDeg + ((clamp(g.y, -1, 1) + 1) / 2) * (r.tiltMaxDeg - r.tiltMinDeg),
    zoom: r.zoomMin + clamp(g.zoom, 0, 1) * (r.zoomMax - r.zoomMin),
  };
}

export function physicalToGeneric(p: PtzPhysical, r: PtzRanges): PtzGeneric {
  const pan = wrapDeg(p.panDeg);
  return {
    x: (pan > 180 ? pan - 360 : pan) / 180,
    y: ((p.tiltDeg - r.tiltMinDeg) / (r.tiltMaxDeg - r.tiltMinDeg)) * 2 - 1,
    zoom: (p.zoom - r.zoomMin) / (r.zoomMax - r.zoomMin),
  };
}

export function wrapDeg(deg: number): number {
  const w = deg % 360;
  return w < 0 ? w + 360 : w;
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Horizontal field of view at 1x zoom, degrees; divided by the zoom factor. */
export const HFOV_AT_1X_DEG = 60;

/** Parses an XML Schema duration (PT1M, PT0.5S, P1DT2H) into milliseconds; undefined if malformed. */
export function parseXmlDuration(text: string): number | undefined {
  const m = /^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    text.trim(),
  );
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const n = (i: number): number => (m[i] ? Number(m[i]) : 0);
  const ms = ((((n(2) * 365 + n(3) * 30 + n(4)) * 24 + n(5)) * 60 + n(6)) * 60 + n(7)) * 1000;
  return m[1] ? -ms : ms;
}

export function formatXmlDuration(ms: number): string {
  return `PT${Number((ms / 1000).toFixed(3))}S`;
}

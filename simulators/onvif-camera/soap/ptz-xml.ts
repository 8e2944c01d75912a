/** XML fragments describing the PTZ node, configuration, spaces and positions. */
import { physicalToGeneric, SPACES, type PtzPhysical } from '../../../devices/onvif-camera/protocol.js';
import { PTZ_CONFIG_TOKEN, PTZ_NODE_TOKEN, type CameraContext } from '../context.js';
import { esc } from './envelope.js';

export const DEFAULT_PTZ_TIMEOUT = 'PT10S';
export const DEFAULT_PTZ_TIMEOUT_MS = 10_000;
export const MIN_PTZ_TIMEOUT = 'PT1S';
export const MAX_PTZ_TIMEOUT = 'PT60S';

const range = (tag: string, min: number, max: number): string => `<tt:${tag}><tt:Min>${min}</tt:Min><tt:Max>${max}</tt:Max></tt:${tag}>`;
const space2d = (tag: string, uri: string, min = -1, max = 1): string =>
  `<tt:${tag}><tt:URI>${uri}</tt:URI>${range('XRange', min, max)}${range('YRange', min, max)}</tt:${tag}>`;
const space1d = (tag: string, uri: string, min: number, max: number): string => `<tt:${tag}><tt:URI>${uri}</tt:URI>${range('XRange', min, max)}</tt:${tag}>`;

export function spacesXml(): string {
  return (
    space2d('AbsolutePanTiltPositionSpace', SPACES.panTiltPosition) +
    space1d('AbsoluteZoomPositionSpace', SPACES.zoomPosition, 0, 1) +
    space2d('RelativePanTiltTranslationSpace', SPACES.panTiltTranslation) +
    space1d('RelativeZoomTranslationSpace', SPACES.zoomTranslation, -1, 1) +
    space2d('ContinuousPanTiltVelocitySpace', SPACES.panTiltVelocity) +
    space1d('ContinuousZoomVelocitySpace', SPACES.zoomVelocity, -1, 1) +
    space1d('PanTiltSpeedSpace', SPACES.panTiltSpeed, 0, 1) +
    space1d('ZoomSpeedSpace', SPACES.zoomSpeed, 0, 1)
  );
}

export function ptzNodeXml(ctx: CameraContext, tag: string): string {
  return (
    `<${tag} token="${PTZ_NODE_TOKEN}" FixedHomePosition="false" GeoMove="false"><tt:Name>PTZ</tt:Name>` +
    `<tt:SupportedPTZSpaces>${spacesXml()}</tt:SupportedPTZSpaces>` +
    `<tt:MaximumNumberOfPresets>${ctx.presetsSupported ? ctx.presets.maxPresets : 0}</tt:MaximumNumberOfPresets>` +
    `<tt:HomeSupported>${ctx.presetsSupported}</tt:HomeSupported></${tag}>`
  );
}

export function ptzConfigurationXml(ctx: CameraContext, tag: string): string {
  return (
    `<${tag} token="${PTZ_CONFIG_TOKEN}"><tt:Name>PTZConfig</tt:Name><tt:UseCount>${ctx.profiles.length}</tt:UseCount>` +
    `<tt:NodeToken>${PTZ_NODE_TOKEN}</tt:NodeToken>` +
    `<tt:DefaultAbsolutePantTiltPositionSpace>${SPACES.panTiltPosition}</tt:DefaultAbsolutePantTiltPositionSpace>` +
    `<tt:DefaultAbsoluteZoomPositionSpace>${SPACES.zoomPosition}</tt:DefaultAbsoluteZoomPositionSpace>` +
    `<tt:DefaultRelativePanTiltTranslationSpace>${SPACES.panTiltTranslation}</tt:DefaultRelativePanTiltTranslationSpace>` +
    `<tt:DefaultRelativeZoomTranslationSpace>${SPACES.zoomTranslation}</tt:DefaultRelativeZoomTranslationSpace>` +
    `<tt:DefaultContinuousPanTiltVelocitySpace>${SPACES.panTiltVelocity}</tt:DefaultContinuousPanTiltVelocitySpace>` +
    `<tt:DefaultContinuousZoomVelocitySpace>${SPACES.zoomVelocity}</tt:DefaultContinuousZoomVelocitySpace>` +
    `<tt:DefaultPTZSpeed><tt:PanTilt x="1" y="1" space="${SPACES.panTiltSpeed}"/><tt:Zoom x="1" space="${SPACES.zoomSpeed}"/></tt:DefaultPTZSpeed>` +
    `<tt:DefaultPTZTimeout>${DEFAULT_PTZ_TIMEOUT}</tt:DefaultPTZTimeout>` +
    `<tt:PanTiltLimits><tt:Range><tt:URI>${SPACES.panTiltPosition}</tt:URI>${range('XRange', -1, 1)}${range('YRange', -1, 1)}</tt:Range></tt:PanTiltLimits>` +
    `<tt:ZoomLimits><tt:Range><tt:URI>${SPACES.zoomPosition}</tt:URI>${range('XRange', 0, 1)}</tt:Range></tt:ZoomLimits>` +
    `</${tag}>`
  );
}

export function ptzConfigurationOptionsXml(): string {
  return (
    `<tptz:PTZConfigurationOptions><tt:Spaces>${spacesXml()}</tt:Spaces>` +
    `<tt:PTZTimeout><tt:Min>${MIN_PTZ_TIMEOUT}</tt:Min><tt:Max>${MAX_PTZ_TIMEOUT}</tt:Max></tt:PTZTimeout></tptz:PTZConfigurationOptions>`
  );
}

const fmt = (n: number): string => String(Math.round(n * 1e6) / 1e6);

/** A PTZVector in generic spaces for a physical position. */
export function ptzVectorXml(ctx: CameraContext, tag: string, p: PtzPhysical): string {
  const g = physicalToGeneric(p, ctx.ptz.ranges);
  return (
    `<${tag}><tt:PanTilt x="${fmt(g.x)}" y="${fmt(g.y)}" space="${SPACES.panTiltPosition}"/>` +
    `<tt:Zoom x="${fmt(g.zoom)}" space="${SPACES.zoomPosition}"/></${tag}>`
  );
}

export function presetXml(ctx: CameraContext, token: string, name: string, p: PtzPhysical): string {
  return `<tptz:Preset token="${esc(token)}"><tt:Name>${esc(name)}</tt:Name>${ptzVectorXml(ctx, 'tt:PTZPosition', p)}</tptz:Preset>`;
}

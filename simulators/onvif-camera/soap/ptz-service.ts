/** ONVIF PTZ (ver20/ptz/wsdl) operations over the PTZ model and the preset store. */
import {
  genericToPhysical,
  parseXmlDuration,
  physicalToGeneric,
  SPACES,
  wrapDeg,
  type PtzPhysical,
} from '../../../devices/onvif-camera/protocol.js';
import { profileByToken, PTZ_CONFIG_TOKEN, PTZ_NODE_TOKEN, type CameraContext } from '../context.js';
import { attr, child, childText, invalidArg, SoapFault, type SoapRequest, type XmlNode } from './envelope.js';
import { isAsciiName } from '../behaviours.js';
import type { OperationTable } from './dispatch.js';
import { DEFAULT_PTZ_TIMEOUT_MS, presetXml, ptzConfigurationOptionsXml, ptzConfigurationXml, ptzNodeXml, ptzVectorXml } from './ptz-xml.js';

function requirePtzProfile(ctx: CameraContext, req: SoapRequest): void {
  const token = childText(req.body, 'ProfileToken');
  if (!profileByToken(ctx, token)) throw invalidArg(`no media profile "${token ?? ''}"`, 'ter:NoProfile');
}

function num(node: XmlNode | undefined, name: string, what: string): number | undefined {
  const raw = attr(node, name);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v)) throw invalidArg(`${what}: "${raw}" is not a number`);
  return v;
}

function checkSpace(node: XmlNode | undefined, expected: string, what: string): void {
  const space = attr(node, 'space');
  if (space !== undefined && space !== expected) throw invalidArg(`${what}: space ${space} is not supported (use ${expected})`, 'ter:SpaceNotSupported');
}

function inRange(v: number | undefined, lo: number, hi: number, what: string, detail: string): void {
  if (v !== undefined && (v < lo || v > hi)) throw invalidArg(`${what} ${v} is outside ${lo}..${hi}`, detail);
}

/** The PanTilt and Zoom of a Velocity, Position or Translation element, checked against its spaces. */
function readVector(req: SoapRequest, op: string, element: 'Velocity' | 'Position' | 'Translation', spaces: { panTilt: string; zoom: string }) {
  const container = child(req.body, element);
  if (!container) throw invalidArg(`${op} needs a ${element}`);
  const pt = child(container, 'PanTilt');
  const z = child(container, 'Zoom');
  checkSpace(pt, spaces.panTilt, `${element} PanTilt`);
  checkSpace(z, spaces.zoom, `${element} Zoom`);
  return { pt, z, x: num(pt, 'x', `${element} PanTilt x`), y: num(pt, 'y', `${element} PanTilt y`), zx: num(z, 'x', `${element} Zoom x`) };
}

function noPresets(ctx: CameraContext): void {
  if (!ctx.presetsSupported) throw new SoapFault('env:Receiver', ['ter:ActionNotSupported'], 'Optional Action Not Implemented');
}

/** Speed fractions (0..1] from an optional Speed element; defaults to full speed. */
function speeds(req: SoapRequest): { panTilt: number; zoom: number } {
  const speed = child(req.body, 'Speed');
  const pt = child(speed, 'PanTilt');
  const z = child(speed, 'Zoom');
  const ptx = num(pt, 'x', 'Speed PanTilt x');
  const pty = num(pt, 'y', 'Speed PanTilt y');
  const zx = num(z, 'x', 'Speed Zoom x');
  const ptSpeed = Math.max(Math.abs(ptx ?? 1), Math.abs(pty ?? 0));
  return { panTilt: ptSpeed > 0 ? Math.min(1, ptSpeed) : 1, zoom: zx !== undefined && zx > 0 ? Math.min(1, zx) : 1 };
}

function goTo(ctx: CameraContext, p: PtzPhysical, req: SoapRequest): void {
  const s = speeds(req);
  ctx.ptz.moveTo({ panDeg: p.panDeg, tiltDeg: p.tiltDeg }, s.panTilt, 1);
  ctx.ptz.moveTo({ zoom: p.zoom }, 1, s.zoom);
}

export const ptzOperations: OperationTable = {
  GetServiceCapabilities: {
    handle: () =>
      `<tptz:GetServiceCapabilitiesResponse><tptz:Capabilities EFlip="false" Reverse="false" GetCompatibleConfigurations="false" MoveStatus="true" StatusPosition="true"/></tptz:GetServiceCapabilitiesResponse>`,
  },
  GetNodes: { handle: (_r, ctx) => `<tptz:GetNodesResponse>${ptzNodeXml(ctx, 'tptz:PTZNode')}</tptz:GetNodesResponse>` },
  GetNode: {
    handle: (req, ctx) => {
      const token = childText(req.body, 'NodeToken');
      if (token !== PTZ_NODE_TOKEN) throw invalidArg(`no PTZ node "${token ?? ''}"`, 'ter:NoEntity');
      return `<tptz:GetNodeResponse>${ptzNodeXml(ctx, 'tptz:PTZNode')}</tptz:GetNodeResponse>`;
    },
  },
  GetConfigurations: {
    handle: (_r, ctx) => `<tptz:GetConfigurationsResponse>${ptzConfigurationXml(ctx, 'tptz:PTZConfiguration')}</tptz:GetConfigurationsResponse>`,
  },
  GetConfiguration: {
    handle: (req, ctx) => {
      const token = childText(req.body, 'PTZConfigurationToken');
      if (token !== PTZ_CONFIG_TOKEN) throw invalidArg(`no PTZ configuration "${token ?? ''}"`, 'ter:NoConfig');
      return `<tptz:GetConfigurationResponse>${ptzConfigurationXml(ctx, 'tptz:PTZConfiguration')}</tptz:GetConfigurationResponse>`;
    },
  },
  GetConfigurationOptions: {
    handle: (req) => {
      const token = childText(req.body, 'ConfigurationToken');
      if (token !== PTZ_CONFIG_TOKEN) throw invalidArg(`no PTZ configuration "${token ?? ''}"`, 'ter:NoConfig');
      return `<tptz:GetConfigurationOptionsResponse>${ptzConfigurationOptionsXml()}</tptz:GetConfigurationOptionsResponse>`;
    },
  },
  ContinuousMove: {
    handle: (req, ctx) => {
      requirePtzProfile(ctx, req);
      const { pt, z, x, y, zx } = readVector(req, 'ContinuousMove', 'Velocity', { panTilt: SPACES.panTiltVelocity, zoom: SPACES.zoomVelocity });
      for (const [v, n] of [[x, 'pan'], [y, 'tilt'], [zx, 'zoom']] as const) inRange(v, -1, 1, `${n} velocity`, 'ter:InvalidVelocity');
      const timeoutText = childText(req.body, 'Timeout');
      let timeoutMs = DEFAULT_PTZ_TIMEOUT_MS;
      if (timeoutText !== undefined) {
        const parsed = parseXmlDuration(timeoutText);
        if (parsed === undefined || parsed <= 0) throw invalidArg(`Timeout "${timeoutText}" is not a positive duration`, 'ter:TimeoutNotSupported');
        timeoutMs = Math.min(parsed, 60_000);
      }
      // ignore-move-timeout: accepted, then turns until Stop (as some cameras do).
      if (ctx.behaviours.ignoreMoveTimeout) {
        ctx.ptz.continuous(pt ? { pan: x ?? 0, tilt: y ?? 0 } : undefined, z ? (zx ?? 0) : undefined);
        return '<tptz:ContinuousMoveResponse/>';
      }
      ctx.ptz.continuous(pt ? { pan: x ?? 0, tilt: y ?? 0 } : undefined, z ? (zx ?? 0) : undefined, timeoutMs);
      return '<tptz:ContinuousMoveResponse/>';
    },
  },
  AbsoluteMove: {
    handle: (req, ctx) => {
      requirePtzProfile(ctx, req);
      const { pt, z, x, y, zx } = readVector(req, 'AbsoluteMove', 'Position', { panTilt: SPACES.panTiltPosition, zoom: SPACES.zoomPosition });
      inRange(x, -1, 1, 'pan position', 'ter:InvalidPosition');
      inRange(y, -1, 1, 'tilt position', 'ter:InvalidPosition');
      inRange(zx, 0, 1, 'zoom position', 'ter:InvalidPosition');
      const current = physicalToGeneric(ctx.ptz.position(), ctx.ptz.ranges);
      const target = genericToPhysical({ x: x ?? current.x, y: y ?? current.y, zoom: zx ?? current.zoom }, ctx.ptz.ranges);
      const s = speeds(req);
      if (pt) ctx.ptz.moveTo({ panDeg: target.panDeg, tiltDeg: target.tiltDeg }, s.panTilt, 1);
      if (z) ctx.ptz.moveTo({ zoom: target.zoom }, 1, s.zoom);
      return '<tptz:AbsoluteMoveResponse/>';
    },
  },
  RelativeMove: {
    handle: (req, ctx) => {
      requirePtzProfile(ctx, req);
      const { pt, z, x, y, zx } = readVector(req, 'RelativeMove', 'Translation', { panTilt: SPACES.panTiltTranslation, zoom: SPACES.zoomTranslation });
      for (const [v, n] of [[x, 'pan'], [y, 'tilt'], [zx, 'zoom']] as const) inRange(v, -1, 1, `${n} translation`, 'ter:InvalidTranslation');
      const r = ctx.ptz.ranges;
      const now = ctx.ptz.position();
      const s = speeds(req);
      if (pt) {
        ctx.ptz.moveTo(
          { panDeg: wrapDeg(now.panDeg + (x ?? 0) * 180), tiltDeg: now.tiltDeg + ((y ?? 0) * (r.tiltMaxDeg - r.tiltMinDeg)) / 2 },
          s.panTilt,
          1,
        );
      }
      if (z) ctx.ptz.moveTo({ zoom: now.zoom + (zx ?? 0) * (r.zoomMax - r.zoomMin) }, 1, s.zoom);
      return '<tptz:RelativeMoveResponse/>';
    },
  },
  Stop: {
    handle: (req, ctx) => {
      requirePtzProfile(ctx, req);
      const panTilt = childText(req.body, 'PanTilt');
      const zoom = childText(req.body, 'Zoom');
      ctx.ptz.stop(panTilt === undefined || panTilt === 'true', zoom === undefined || zoom === 'true');
      return '<tptz:StopResponse/>';
    },
  },
  GetStatus: {
    handle: (req, ctx) => {
      requirePtzProfile(ctx, req);
      const s = ctx.ptz.status();
      return (
        `<tptz:GetStatusResponse><tptz:PTZStatus>${ptzVectorXml(ctx, 'tt:Position', s)}` +
        `<tt:MoveStatus><tt:PanTilt>${s.panTiltStatus}</tt:PanTilt><tt:Zoom>${s.zoomStatus}</tt:Zoom></tt:MoveStatus>` +
        `<tt:UtcTime>${new Date(ctx.cameraNow()).toISOString()}</tt:UtcTime></tptz:PTZStatus></tptz:GetStatusResponse>`
      );
    },
  },
  GetPresets: {
    handle: (req, ctx) => {
      requirePtzProfile(ctx, req);
      const list = ctx.presetsSupported ? ctx.presets.list() : [];
      return `<tptz:GetPresetsResponse>${list.map((p) => presetXml(ctx, p.token, p.name, p.position)).join('')}</tptz:GetPresetsResponse>`;
    },
  },
  SetPreset: {
    handle: (req, ctx) => {
      requirePtzProfile(ctx, req);
      noPresets(ctx);
      const name = childText(req.body, 'PresetName') || undefined;
      const token = childText(req.body, 'PresetToken') || undefined;
      if (ctx.behaviours.asciiPresetNames && name !== undefined && !isAsciiName(name)) {
        throw new SoapFault('env:Sender', ['ter:InvalidArgVal', 'ter:InvalidPresetName'], 'Invalid preset name', 'The preset name is not allowed: use ASCII letters, digits and punctuation only');
      }
      if (ctx.ptz.moving) throw new SoapFault('env:Receiver', ['ter:Action', 'ter:MovingPTZ'], 'cannot save a preset while the camera moves');
      const result = ctx.presets.set(token, name, ctx.ptz.position());
      if ('error' in result) {
        if (result.error === 'no-token') throw invalidArg(`no preset "${token ?? ''}"`, 'ter:NoToken');
        if (result.error === 'name-exists') throw invalidArg(`a preset named "${name ?? ''}" exists`, 'ter:PresetExist');
        throw new SoapFault('env:Receiver', ['ter:Action', 'ter:TooManyPresets'], 'no room for another preset');
      }
      return `<tptz:SetPresetResponse><tptz:PresetToken>${result.token}</tptz:PresetToken></tptz:SetPresetResponse>`;
    },
  },
  GotoPreset: {
    handle: (req, ctx) => {
      requirePtzProfile(ctx, req);
      noPresets(ctx);
      const token = childText(req.body, 'PresetToken');
      const preset = token ? ctx.presets.get(token) : undefined;
      if (!preset) throw invalidArg(`no preset "${token ?? ''}"`, 'ter:NoToken');
      goTo(ctx, preset.position, req);
      return '<tptz:GotoPresetResponse/>';
    },
  },
  RemovePreset: {
    handle: (req, ctx) => {
      requirePtzProfile(ctx, req);
      noPresets(ctx);
      const token = childText(req.body, 'PresetToken');
      if (!token || !ctx.presets.remove(token)) throw invalidArg(`no preset "${token ?? ''}"`, 'ter:NoToken');
      return '<tptz:RemovePresetResponse/>';
    },
  },
  GotoHomePosition: {
    handle: (req, ctx) => {
      requirePtzProfile(ctx, req);
      noPresets(ctx);
      goTo(ctx, ctx.presets.home ?? { panDeg: 0, tiltDeg: 0, zoom: ctx.ptz.ranges.zoomMin }, req);
      return '<tptz:GotoHomePositionResponse/>';
    },
  },
  SetHomePosition: {
    handle: (req, ctx) => {
      requirePtzProfile(ctx, req);
      noPresets(ctx);
      ctx.presets.setHome(ctx.ptz.position());
      return '<tptz:SetHomePositionResponse/>';
    },
  },
};

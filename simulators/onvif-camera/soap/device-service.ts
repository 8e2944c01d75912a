/** ONVIF Device service (ver10/device/wsdl) operations. */
import { NS } from '../../../devices/onvif-camera/protocol.js';
import type { CameraContext } from '../context.js';
import { childText, esc, SoapFault } from './envelope.js';
import type { OperationTable } from './dispatch.js';

function dateTimeXml(ms: number): string {
  const d = new Date(ms);
  return (
    `<tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time>` +
    `<tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date>`
  );
}

function deviceCapabilitiesXml(): string {
  return (
    `<tds:Network IPFilter="false" ZeroConfiguration="false" IPVersion6="false" DynDNS="false" Dot11Configuration="false" HostnameFromDHCP="false" NTP="0"/>` +
    `<tds:Security TLS1.0="false" TLS1.1="false" TLS1.2="false" OnboardKeyGeneration="false" AccessPolicyConfig="false" DefaultAccessPolicy="false" Dot1X="false" RemoteUserHandling="false" X.509Token="false" SAMLToken="false" KerberosToken="false" UsernameToken="true" HttpDigest="true" RELToken="false"/>` +
    `<tds:System DiscoveryResolve="false" DiscoveryBye="true" RemoteDiscovery="false" SystemBackup="false" SystemLogging="false" FirmwareUpgrade="false" HttpFirmwareUpgrade="false" HttpSystemBackup="false" HttpSystemLogging="false" HttpSupportInformation="false"/>`
  );
}

export function mediaServiceCapabilitiesXml(): string {
  return (
    `<trt:Capabilities SnapshotUri="true" Rotation="false" VideoSourceMode="false" OSD="false">` +
    `<trt:ProfileCapabilities MaximumNumberOfProfiles="2"/>` +
    `<trt:StreamingCapabilities RTPMulticast="false" RTP_TCP="true" RTP_RTSP_TCP="true" NonAggregateControl="false" NoRTSPStreaming="false"/>` +
    `</trt:Capabilities>`
  );
}

export function ptzServiceCapabilitiesXml(): string {
  return `<tptz:Capabilities EFlip="false" Reverse="false" GetCompatibleConfigurations="false" MoveStatus="true" StatusPosition="true"/>`;
}

export function eventsServiceCapabilitiesXml(): string {
  return `<tev:Capabilities WSSubscriptionPolicySupport="false" WSPausableSubscriptionManagerInterfaceSupport="false" MaxNotificationProducers="0" MaxPullPoints="10" PersistentNotificationStorage="false"/>`;
}

function services(ctx: CameraContext, includeCapability: boolean): string {
  const entry = (ns: string, xaddr: string, caps: string, major: number, minor: number): string =>
    `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${esc(xaddr)}</tds:XAddr>` +
    (includeCapability ? `<tds:Capabilities>${caps}</tds:Capabilities>` : '') +
    `<tds:Version><tt:Major>${major}</tt:Major><tt:Minor>${minor}</tt:Minor></tds:Version></tds:Service>`;
  return (
    entry(NS.tds, ctx.urls.onvif, `<tds:Capabilities>${deviceCapabilitiesXml()}</tds:Capabilities>`, 2, 60) +
    entry(NS.trt, ctx.urls.media, mediaServiceCapabilitiesXml(), 2, 60) +
    (ctx.behaviours.noPtz ? '' : entry(NS.tptz, ctx.urls.ptz, ptzServiceCapabilitiesXml(), 2, 60)) +
    entry(NS.tev, ctx.urls.events, eventsServiceCapabilitiesXml(), 2, 60)
  );
}

function capabilities(ctx: CameraContext, category: string): string {
  const all = category === 'All' || category === '';
  const parts: string[] = [];
  if (all || category === 'Device') {
    parts.push(
      `<tt:Device><tt:XAddr>${esc(ctx.urls.onvif)}</tt:XAddr>` +
        `<tt:Network><tt:IPFilter>false</tt:IPFilter><tt:ZeroConfiguration>false</tt:ZeroConfiguration><tt:IPVersion6>false</tt:IPVersion6><tt:DynDNS>false</tt:DynDNS></tt:Network>` +
        `<tt:System><tt:DiscoveryResolve>false</tt:DiscoveryResolve><tt:DiscoveryBye>true</tt:DiscoveryBye><tt:RemoteDiscovery>false</tt:RemoteDiscovery><tt:SystemBackup>false</tt:SystemBackup><tt:SystemLogging>false</tt:SystemLogging><tt:FirmwareUpgrade>false</tt:FirmwareUpgrade>` +
        `<tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tt:SupportedVersions></tt:System>` +
        `<tt:Security><tt:TLS1.1>false</tt:TLS1.1><tt:TLS1.2>false</tt:TLS1.2><tt:OnboardKeyGeneration>false</tt:OnboardKeyGeneration><tt:AccessPolicyConfig>false</tt:AccessPolicyConfig><tt:X.509Token>false</tt:X.509Token><tt:SAMLToken>false</tt:SAMLToken><tt:KerberosToken>false</tt:KerberosToken><tt:RELToken>false</tt:RELToken></tt:Security>` +
        `</tt:Device>`,
    );
  }
  if (all || category === 'Events') {
    parts.push(
      `<tt:Events><tt:XAddr>${esc(ctx.urls.events)}</tt:XAddr><tt:WSSubscriptionPolicySupport>false</tt:WSSubscriptionPolicySupport><tt:WSPullPointSupport>true</tt:WSPullPointSupport><tt:WSPausableSubscriptionManagerInterfaceSupport>false</tt:WSPausableSubscriptionManagerInterfaceSupport></tt:Events>`,
    );
  }
  if (all || category === 'Media') {
    parts.push(
      `<tt:Media><tt:XAddr>${esc(ctx.urls.media)}</tt:XAddr><tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media>`,
    );
  }
  if ((all || category === 'PTZ') && !ctx.behaviours.noPtz) parts.push(`<tt:PTZ><tt:XAddr>${esc(ctx.urls.ptz)}</tt:XAddr></tt:PTZ>`);
  return `<tds:GetCapabilitiesResponse><tds:Capabilities>${parts.join('')}</tds:Capabilities></tds:GetCapabilitiesResponse>`;
}

export const deviceOperations: OperationTable = {
  GetSystemDateAndTime: {
    preAuth: true,
    handle: (_req, ctx) =>
      `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>Manual</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>` +
      `<tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone><tt:UTCDateTime>${dateTimeXml(ctx.cameraNow())}</tt:UTCDateTime>` +
      `<tt:LocalDateTime>${dateTimeXml(ctx.cameraNow())}</tt:LocalDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`,
  },
  GetServices: {
    handle: (req, ctx) => `<tds:GetServicesResponse>${services(ctx, childText(req.body, 'IncludeCapability') === 'true')}</tds:GetServicesResponse>`,
  },
  GetServiceCapabilities: {
    handle: () => `<tds:GetServiceCapabilitiesResponse><tds:Capabilities>${deviceCapabilitiesXml()}</tds:Capabilities></tds:GetServiceCapabilitiesResponse>`,
  },
  GetCapabilities: {
    handle: (req, ctx) => {
      const category = childText(req.body, 'Category') ?? 'All';
      const known = ['All', '', 'Device', 'Events', 'Media', 'PTZ'];
      if (!known.includes(category)) throw new SoapFault('env:Receiver', ['ter:ActionNotSupported', 'ter:NoSuchService'], `no ${category} service`);
      return capabilities(ctx, category);
    },
  },
  GetDeviceInformation: {
    handle: (_req, ctx) => {
      const id = ctx.identity;
      return (
        `<tds:GetDeviceInformationResponse><tds:Manufacturer>${esc(id.manufacturer)}</tds:Manufacturer><tds:Model>${esc(id.model)}</tds:Model>` +
        `<tds:FirmwareVersion>${esc(id.firmwareVersion)}</tds:FirmwareVersion><tds:SerialNumber>${esc(id.serialNumber)}</tds:SerialNumber>` +
        `<tds:HardwareId>${esc(id.hardwareId)}</tds:HardwareId></tds:GetDeviceInformationResponse>`
      );
    },
  },
  GetScopes: {
    handle: (_req, ctx) =>
      `<tds:GetScopesResponse>${scopeList(ctx)
        .map((s) => `<tds:Scopes><tt:ScopeDef>Fixed</tt:ScopeDef><tt:ScopeItem>${esc(s)}</tt:ScopeItem></tds:Scopes>`)
        .join('')}</tds:GetScopesResponse>`,
  },
  GetHostname: {
    handle: (_req, ctx) =>
      `<tds:GetHostnameResponse><tds:HostnameInformation><tt:FromDHCP>false</tt:FromDHCP><tt:Name>${esc(hostname(ctx))}</tt:Name></tds:HostnameInformation></tds:GetHostnameResponse>`,
  },
  GetNetworkInterfaces: {
    handle: (_req, ctx) =>
      `<tds:GetNetworkInterfacesResponse><tds:NetworkInterfaces token="eth0"><tt:Enabled>true</tt:Enabled>` +
      `<tt:Info><tt:Name>eth0</tt:Name><tt:HwAddress>${macFor(ctx.identity.uuid)}</tt:HwAddress><tt:MTU>1500</tt:MTU></tt:Info>` +
      `<tt:IPv4><tt:Enabled>true</tt:Enabled><tt:Config><tt:Manual><tt:Address>${esc(ctx.urls.host)}</tt:Address><tt:PrefixLength>8</tt:PrefixLength></tt:Manual><tt:DHCP>false</tt:DHCP></tt:Config></tt:IPv4>` +
      `</tds:NetworkInterfaces></tds:GetNetworkInterfacesResponse>`,
  },
  SystemReboot: {
    handle: (_req, ctx) => {
      // answer first, then go down (as a real camera does)
      setTimeout(() => ctx.reboot(ctx.rebootSeconds), 50).unref();
      return `<tds:SystemRebootResponse><tds:Message>Rebooting in ${ctx.rebootSeconds} seconds</tds:Message></tds:SystemRebootResponse>`;
    },
  },
};

export function scopeList(ctx: CameraContext): string[] {
  const enc = (s: string): string => encodeURIComponent(s);
  return [
    'onvif://www.onvif.org/type/video_encoder',
    'onvif://www.onvif.org/type/ptz',
    'onvif://www.onvif.org/type/audio_decoder',
    'onvif://www.onvif.org/Profile/Streaming',
    'onvif://www.onvif.org/Profile/S',
    `onvif://www.onvif.org/name/${enc(ctx.identity.name)}`,
    `onvif://www.onvif.org/location/${enc(ctx.identity.location)}`,
    `onvif://www.onvif.org/hardware/${enc(ctx.identity.model)}`,
  ];
}

function hostname(ctx: CameraContext): string {
  return ctx.identity.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'camera';
}

function macFor(uuid: string): string {
  const hex = uuid.replace(/[^0-9a-f]/gi, '').slice(-10).padStart(10, '0');
  return ['02', ...hex.match(/../g)!].join(':');
}

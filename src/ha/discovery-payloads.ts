/**
 * Home Assistant MQTT discovery configs (https://www.home-assistant.io/integrations/mqtt/), one
 * pure function per device kind: the component, the object id and the config payload of each
 * entity. Topics are absolute (base topic included); abbreviations are not used, so the payloads
 * read like the documentation.
 */

export interface DiscoveryEntity {
  component: 'camera' | 'button' | 'binary_sensor' | 'cover' | 'sensor' | 'event';
  objectId: string;
  config: Record<string, unknown>;
}

export interface DiscoveryContext {
  base: string;
  siteId: string;
  siteName: string;
  version: string;
  /** Covers get a command topic (homeAssistant.allowControl). */
  allowControl?: boolean;
  /** The visitors feature runs: a sensor of today's visitor entries. */
  visitors?: boolean;
}

export function availability(ctx: DiscoveryContext, deviceTopic: string) {
  return {
    availability_mode: 'all',
    availability: [
      { topic: `${ctx.base}/gateway/state`, value_template: '{{ value_json.state }}', payload_available: 'online', payload_not_available: 'offline' },
      { topic: deviceTopic, payload_available: 'online', payload_not_available: 'offline' },
    ],
  };
}

export function device(ctx: DiscoveryContext, kind: string, id: string, name: string, model: string) {
  return {
    identifiers: [`community-gateway_${ctx.siteId}_${kind}_${id}`],
    name,
    manufacturer: 'community-gateway',
    model,
    sw_version: ctx.version,
    via_device: `community-gateway_${ctx.siteId}`,
    suggested_area: ctx.siteName,
  };
}

export function origin(ctx: DiscoveryContext) {
  return { name: 'community-gateway', sw_version: ctx.version };
}

const PTZ_BUTTONS: ReadonlyArray<{ key: string; name: string; payload: string; icon: string }> = [
  { key: 'left', name: 'Pan left', payload: 'move:-0.5,0,0', icon: 'mdi:arrow-left' },
  { key: 'right', name: 'Pan right', payload: 'move:0.5,0,0', icon: 'mdi:arrow-right' },
  { key: 'up', name: 'Tilt up', payload: 'move:0,0.5,0', icon: 'mdi:arrow-up' },
  { key: 'down', name: 'Tilt down', payload: 'move:0,-0.5,0', icon: 'mdi:arrow-down' },
  { key: 'zoom_in', name: 'Zoom in', payload: 'move:0,0,0.5', icon: 'mdi:magnify-plus' },
  { key: 'zoom_out', name: 'Zoom out', payload: 'move:0,0,-0.5', icon: 'mdi:magnify-minus' },
  { key: 'stop', name: 'Stop', payload: 'stop', icon: 'mdi:stop' },
  { key: 'home', name: 'Home position', payload: 'home', icon: 'mdi:home' },
];

/** The gateway itself: the device every other one is connected through. */
export function gatewayEntities(ctx: DiscoveryContext): DiscoveryEntity[] {
  return [
    {
      component: 'binary_sensor',
      objectId: 'gateway',
      config: {
        name: 'Gateway',
        unique_id: `cg_${ctx.siteId}_gateway`,
        device_class: 'connectivity',
        state_topic: `${ctx.base}/gateway/state`,
        value_template: "{{ 'ON' if value_json.state == 'online' else 'OFF' }}",
        payload_on: 'ON',
        payload_off: 'OFF',
        device: { identifiers: [`community-gateway_${ctx.siteId}`], name: `${ctx.siteName} gateway`, manufacturer: 'community-gateway', model: 'community-gateway', sw_version: ctx.version },
        origin: origin(ctx),
      },
    },
    ...(ctx.visitors
      ? [
          {
            component: 'sensor' as const,
            objectId: 'visitor_entries_today',
            config: {
              name: 'Visitor entries today',
              unique_id: `cg_${ctx.siteId}_visitor_entries_today`,
              state_topic: `${ctx.base}/ha/visitors/counts`,
              value_template: '{{ value_json.entries }}',
              state_class: 'total_increasing',
              unit_of_measurement: 'entries',
              icon: 'mdi:account-badge',
              device: { identifiers: [`community-gateway_${ctx.siteId}`] },
              origin: origin(ctx),
              availability: [{ topic: `${ctx.base}/gateway/state`, value_template: '{{ value_json.state }}', payload_available: 'online', payload_not_available: 'offline' }],
            },
          },
        ]
      : []),
  ];
}

export function cameraEntities(ctx: DiscoveryContext, camera: { id: string; name: string }): DiscoveryEntity[] {
  const uid = `cg_${ctx.siteId}_camera_${camera.id}`;
  const common = { device: device(ctx, 'camera', camera.id, camera.name, 'ONVIF PTZ camera'), origin: origin(ctx), ...availability(ctx, `${ctx.base}/cameras/${camera.id}/availability`) };
  return [
    { component: 'camera', objectId: `${camera.id}`, config: { name: null, unique_id: `${uid}_camera`, object_id: `${ctx.siteId}_${camera.id}`, topic: `${ctx.base}/ha/cameras/${camera.id}/image`, ...common } },
    {
      component: 'binary_sensor',
      objectId: `${camera.id}_motion`,
      config: {
        name: 'Motion',
        unique_id: `${uid}_motion`,
        device_class: 'motion',
        state_topic: `${ctx.base}/cameras/${camera.id}/motion`,
        value_template: "{{ 'ON' if value_json.state else 'OFF' }}",
        payload_on: 'ON',
        payload_off: 'OFF',
        ...common,
      },
    },
    ...PTZ_BUTTONS.map((b): DiscoveryEntity => ({
      component: 'button',
      objectId: `${camera.id}_ptz_${b.key}`,
      config: { name: b.name, unique_id: `${uid}_ptz_${b.key}`, command_topic: `${ctx.base}/cameras/${camera.id}/ptz/set`, payload_press: b.payload, qos: 1, retain: false, icon: b.icon, ...common },
    })),
  ];
}

export function barrierEntities(ctx: DiscoveryContext, barrier: { id: string; name: string }): DiscoveryEntity[] {
  const uid = `cg_${ctx.siteId}_barrier_${barrier.id}`;
  const common = { device: device(ctx, 'barrier', barrier.id, barrier.name, 'MQTT gate barrier'), origin: origin(ctx), ...availability(ctx, `${ctx.base}/barriers/${barrier.id}/availability`) };
  const counts = `${ctx.base}/ha/barriers/${barrier.id}/counts`;
  const count = (key: 'in' | 'out' | 'denied', name: string, icon: string): DiscoveryEntity => ({
    component: 'sensor',
    objectId: `${barrier.id}_${key}_today`,
    config: { name, unique_id: `${uid}_${key}_today`, state_topic: counts, value_template: `{{ value_json.${key} }}`, state_class: 'total_increasing', unit_of_measurement: 'passages', icon, ...common },
  });
  return [
    {
      component: 'cover',
      objectId: `${barrier.id}`,
      config: {
        name: null,
        unique_id: `${uid}_cover`,
        device_class: 'gate',
        state_topic: `${ctx.base}/barriers/${barrier.id}/state`,
        value_template: '{{ value_json.state }}',
        state_open: 'open',
        state_opening: 'opening',
        state_closed: 'closed',
        state_closing: 'closing',
        ...(ctx.allowControl ? { command_topic: `${ctx.base}/ha/barriers/${barrier.id}/set`, payload_open: 'OPEN', payload_close: 'CLOSE', payload_stop: null, qos: 1, retain: false } : {}),
        ...common,
      },
    },
    {
      component: 'sensor',
      objectId: `${barrier.id}_last_entry`,
      config: {
        name: 'Last entry',
        unique_id: `${uid}_last_entry`,
        state_topic: `${ctx.base}/access/entries/${barrier.id}`,
        value_template: '{{ value_json.credential.value }}',
        json_attributes_topic: `${ctx.base}/access/entries/${barrier.id}`,
        json_attributes_template: '{{ {"direction": value_json.direction, "result": value_json.result, "reason": value_json.reason, "credential_type": value_json.credential.type, "occurred_at": value_json.occurredAt} | tojson }}',
        icon: 'mdi:car-arrow-right',
        ...common,
      },
    },
    count('in', 'Entries in today', 'mdi:login'),
    count('out', 'Entries out today', 'mdi:logout'),
    count('denied', 'Denied today', 'mdi:cancel'),
  ];
}

export function speakerEntities(ctx: DiscoveryContext, speaker: { id: string; name: string }): DiscoveryEntity[] {
  const uid = `cg_${ctx.siteId}_speaker_${speaker.id}`;
  return [
    {
      component: 'sensor',
      objectId: `${speaker.id}_state`,
      config: {
        name: 'Playing',
        unique_id: `${uid}_state`,
        state_topic: `${ctx.base}/speakers/${speaker.id}/state`,
        value_template: '{{ value_json.state }}',
        json_attributes_topic: `${ctx.base}/speakers/${speaker.id}/state`,
        icon: 'mdi:bullhorn',
        device: device(ctx, 'speaker', speaker.id, speaker.name, 'MQTT IP speaker'),
        origin: origin(ctx),
        ...availability(ctx, `${ctx.base}/speakers/${speaker.id}/availability`),
      },
    },
  ];
}

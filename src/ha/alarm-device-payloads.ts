/**
 * Home Assistant discovery for the alarm devices: one-key alarm buttons (an event entity for each
 * press / long press / tamper / battery-low, battery, tamper switch, siren) and door sensors (a
 * door binary sensor, battery, tamper switch). Every entity is available only while the gateway
 * and the device itself are, as for the other kinds.
 */
import { BUTTON_EVENT_TYPES } from '../../devices/alarm-button/protocol.js';
import { availability, device, origin, type DiscoveryContext, type DiscoveryEntity } from './discovery-payloads.js';

function battery(uid: string, objectId: string, stateTopic: string, common: Record<string, unknown>): DiscoveryEntity {
  return {
    component: 'sensor',
    objectId: `${objectId}_battery`,
    config: { name: 'Battery', unique_id: `${uid}_battery`, device_class: 'battery', state_class: 'measurement', unit_of_measurement: '%', state_topic: stateTopic, value_template: '{{ value_json.battery }}', entity_category: 'diagnostic', ...common },
  };
}

function tamper(uid: string, objectId: string, stateTopic: string, common: Record<string, unknown>): DiscoveryEntity {
  return {
    component: 'binary_sensor',
    objectId: `${objectId}_tamper`,
    config: { name: 'Tamper', unique_id: `${uid}_tamper`, device_class: 'tamper', state_topic: stateTopic, value_template: "{{ 'ON' if value_json.tamper else 'OFF' }}", payload_on: 'ON', payload_off: 'OFF', entity_category: 'diagnostic', ...common },
  };
}

export function alarmButtonEntities(ctx: DiscoveryContext, button: { id: string; name: string }): DiscoveryEntity[] {
  const uid = `cg_${ctx.siteId}_alarm_button_${button.id}`;
  const root = `${ctx.base}/alarm-buttons/${button.id}`;
  const common = { device: device(ctx, 'alarm_button', button.id, button.name, 'One-key alarm button'), origin: origin(ctx), ...availability(ctx, `${root}/availability`) };
  return [
    {
      component: 'event',
      objectId: `${button.id}`,
      config: {
        name: null,
        unique_id: `${uid}_event`,
        // A resent event (same eventId, after a lost acknowledgement) is not a second press.
        state_topic: `${root}/event`,
        value_template: "{{ {'event_type': value_json.type, 'event_id': value_json.eventId} | tojson if not value_json.retransmission else '' }}",
        event_types: [...BUTTON_EVENT_TYPES],
        icon: 'mdi:alarm-light',
        ...common,
      },
    },
    {
      component: 'binary_sensor',
      objectId: `${button.id}_siren`,
      config: { name: 'Siren', unique_id: `${uid}_siren`, device_class: 'sound', state_topic: `${root}/state`, value_template: "{{ 'ON' if value_json.siren else 'OFF' }}", payload_on: 'ON', payload_off: 'OFF', ...common },
    },
    battery(uid, button.id, `${root}/state`, common),
    tamper(uid, button.id, `${root}/state`, common),
  ];
}

export function doorSensorEntities(ctx: DiscoveryContext, sensor: { id: string; name: string }): DiscoveryEntity[] {
  const uid = `cg_${ctx.siteId}_door_sensor_${sensor.id}`;
  const root = `${ctx.base}/door-sensors/${sensor.id}`;
  const common = { device: device(ctx, 'door_sensor', sensor.id, sensor.name, 'Door contact sensor'), origin: origin(ctx), ...availability(ctx, `${root}/availability`) };
  return [
    {
      component: 'binary_sensor',
      objectId: `${sensor.id}`,
      config: { name: null, unique_id: `${uid}_door`, device_class: 'door', state_topic: `${root}/state`, value_template: "{{ 'ON' if value_json.contact == 'open' else 'OFF' }}", payload_on: 'ON', payload_off: 'OFF', ...common },
    },
    battery(uid, sensor.id, `${root}/state`, common),
    tamper(uid, sensor.id, `${root}/state`, common),
  ];
}

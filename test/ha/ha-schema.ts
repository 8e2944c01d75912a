import { z } from 'zod';

/**
 * Home Assistant's documented MQTT discovery fields (https://www.home-assistant.io/integrations/
 * camera.mqtt/, button.mqtt/, binary_sensor.mqtt/, cover.mqtt/, sensor.mqtt/, event.mqtt/, and the shared
 * availability / device / origin blocks of mqtt/), written down here as strict schemas: a key Home
 * Assistant does not know, a missing required key or a value of the wrong kind fails the test.
 * (Home Assistant itself logs and ignores a config with unknown keys.)
 */
const topic = z.string().min(1).regex(/^[^#+]+$/, 'a topic without wildcards');
const template = z.string().regex(/\{\{.*\}\}/s, 'a Jinja template');

const availabilityEntry = z.strictObject({
  topic,
  payload_available: z.string().optional(),
  payload_not_available: z.string().optional(),
  value_template: template.optional(),
});

const device = z.strictObject({
  identifiers: z.array(z.string().min(1)).min(1),
  connections: z.array(z.tuple([z.string(), z.string()])).optional(),
  configuration_url: z.string().optional(),
  hw_version: z.string().optional(),
  manufacturer: z.string().optional(),
  model: z.string().optional(),
  model_id: z.string().optional(),
  name: z.string().optional(),
  serial_number: z.string().optional(),
  suggested_area: z.string().optional(),
  sw_version: z.string().optional(),
  via_device: z.string().optional(),
});

const origin = z.strictObject({ name: z.string().min(1), sw_version: z.string().optional(), support_url: z.string().url().optional() });

/** Keys every MQTT entity accepts. */
const entityBase = {
  name: z.string().nullable().optional(),
  unique_id: z.string().min(1),
  object_id: z.string().optional(),
  default_entity_id: z.string().optional(),
  icon: z.string().regex(/^mdi:/).optional(),
  device,
  origin: origin.optional(),
  availability: z.array(availabilityEntry).optional(),
  availability_mode: z.enum(['all', 'any', 'latest']).optional(),
  availability_topic: topic.optional(),
  availability_template: template.optional(),
  payload_available: z.string().optional(),
  payload_not_available: z.string().optional(),
  entity_category: z.enum(['config', 'diagnostic']).optional(),
  enabled_by_default: z.boolean().optional(),
  encoding: z.string().optional(),
  json_attributes_topic: topic.optional(),
  json_attributes_template: template.optional(),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
};

export const haComponentSchemas = {
  camera: z.strictObject({ ...entityBase, topic, image_encoding: z.enum(['b64']).optional() }),
  button: z.strictObject({
    ...entityBase,
    command_topic: topic,
    command_template: template.optional(),
    payload_press: z.string().optional(),
    retain: z.boolean().optional(),
    device_class: z.enum(['identify', 'restart', 'update']).optional(),
  }),
  binary_sensor: z.strictObject({
    ...entityBase,
    state_topic: topic,
    value_template: template.optional(),
    payload_on: z.string().optional(),
    payload_off: z.string().optional(),
    off_delay: z.number().optional(),
    expire_after: z.number().optional(),
    force_update: z.boolean().optional(),
    device_class: z.enum(['battery', 'connectivity', 'door', 'garage_door', 'gas', 'lock', 'motion', 'moving', 'occupancy', 'opening', 'plug', 'power', 'presence', 'problem', 'running', 'safety', 'smoke', 'sound', 'tamper', 'vibration', 'window']).optional(),
  }),
  cover: z.strictObject({
    ...entityBase,
    command_topic: topic.optional(),
    state_topic: topic.optional(),
    value_template: template.optional(),
    state_open: z.string().optional(),
    state_opening: z.string().optional(),
    state_closed: z.string().optional(),
    state_closing: z.string().optional(),
    state_stopped: z.string().optional(),
    payload_open: z.string().nullable().optional(),
    payload_close: z.string().nullable().optional(),
    payload_stop: z.string().nullable().optional(),
    optimistic: z.boolean().optional(),
    retain: z.boolean().optional(),
    device_class: z.enum(['awning', 'blind', 'curtain', 'damper', 'door', 'garage', 'gate', 'shade', 'shutter', 'window']).optional(),
  }),
  sensor: z.strictObject({
    ...entityBase,
    state_topic: topic,
    value_template: template.optional(),
    unit_of_measurement: z.string().optional(),
    state_class: z.enum(['measurement', 'measurement_angle', 'total', 'total_increasing']).optional(),
    device_class: z.string().optional(),
    expire_after: z.number().optional(),
    force_update: z.boolean().optional(),
    last_reset_value_template: template.optional(),
    suggested_display_precision: z.number().int().optional(),
    options: z.array(z.string()).optional(),
  }),
  event: z.strictObject({
    ...entityBase,
    state_topic: topic,
    value_template: template.optional(),
    event_types: z.array(z.string().min(1)).min(1),
    device_class: z.enum(['button', 'doorbell', 'motion']).optional(),
  }),
} as const;

/** `<prefix>/<component>/[<node_id>/]<object_id>/config` */
export const DISCOVERY_TOPIC = /^([A-Za-z0-9_-]+)\/(camera|button|binary_sensor|cover|sensor|event)\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)\/config$/;

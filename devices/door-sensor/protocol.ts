import { z } from 'zod';
import { defineTopic, deviceAvailabilityTopic, jsonPayload } from '../../src/core/mqtt-contract.js';
import { eventAckTopic, eventPayloadSchema, eventTopic, isoTime } from '../alarm-button/event-topics.js';

/** MQTT kind level for door/contact sensors: topics live under `<base>/door-sensors/<id>/...`. */
export const DOOR_SENSOR_KIND = 'door-sensors';
const OWNER = 'door-sensor';

export const doorSensorAvailability = deviceAvailabilityTopic(DOOR_SENSOR_KIND, OWNER);

export const DOOR_EVENT_TYPES = ['open', 'closed', 'tamper', 'battery-low'] as const;
export type DoorEventType = (typeof DOOR_EVENT_TYPES)[number];
export const doorEventSchema = eventPayloadSchema(DOOR_EVENT_TYPES);
export type DoorEventPayload = z.infer<typeof doorEventSchema>;

export const doorStateSchema = z.object({
  contact: z.enum(['open', 'closed']),
  battery: z.number().int().min(0).max(100),
  tamper: z.boolean(),
  at: isoTime,
});
export type DoorState = z.infer<typeof doorStateSchema>;

export const doorSensorState = defineTopic({
  name: `${OWNER}.state`,
  pattern: `${DOOR_SENSOR_KIND}/{id}/state`,
  direction: 'to-gateway',
  qos: 1,
  retained: true,
  payload: jsonPayload(doorStateSchema),
  summary: 'Contact (open/closed), battery and tamper switch (retained; published on connect and on every change).',
  example: { contact: 'closed', battery: 92, tamper: false, at: '2026-12-01T02:00:00.000+08:00' },
  owner: OWNER,
});

export const doorSensorEvent = eventTopic(DOOR_SENSOR_KIND, OWNER, doorEventSchema, {
  eventId: 'door-b3-u2-0701-000123',
  timestamp: '2026-12-01T02:00:00.000+08:00',
  type: 'open',
  battery: 92,
  retransmission: false,
});

export const doorSensorAck = eventAckTopic(DOOR_SENSOR_KIND, OWNER);

export const doorSensorTopics = [doorSensorAvailability, doorSensorState, doorSensorEvent, doorSensorAck] as const;

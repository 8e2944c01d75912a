import { z } from 'zod';
import { defineTopic, deviceAvailabilityTopic, jsonPayload } from '../../src/core/mqtt-contract.js';
import { eventAckTopic, eventPayloadSchema, eventTopic, isoTime } from './event-topics.js';

/** MQTT kind level for one-key alarm buttons: topics live under `<base>/alarm-buttons/<id>/...`. */
export const ALARM_BUTTON_KIND = 'alarm-buttons';
const OWNER = 'alarm-button';

export const alarmButtonAvailability = deviceAvailabilityTopic(ALARM_BUTTON_KIND, OWNER);

/** press: the alarm; long-press: the resident cancels it; tamper: the case was opened; battery-low. */
export const BUTTON_EVENT_TYPES = ['press', 'long-press', 'tamper', 'battery-low'] as const;
export type ButtonEventType = (typeof BUTTON_EVENT_TYPES)[number];
export const buttonEventSchema = eventPayloadSchema(BUTTON_EVENT_TYPES);
export type ButtonEventPayload = z.infer<typeof buttonEventSchema>;

export const buttonStateSchema = z.object({
  battery: z.number().int().min(0).max(100),
  tamper: z.boolean(),
  led: z.enum(['off', 'on', 'blink']),
  siren: z.boolean(),
  at: isoTime,
});
export type ButtonState = z.infer<typeof buttonStateSchema>;

export const alarmButtonState = defineTopic({
  name: `${OWNER}.state`,
  pattern: `${ALARM_BUTTON_KIND}/{id}/state`,
  direction: 'to-gateway',
  qos: 1,
  retained: true,
  payload: jsonPayload(buttonStateSchema),
  summary: 'Battery, tamper switch, LED and siren of the button (retained; published on connect and on every change).',
  example: { battery: 87, tamper: false, led: 'off', siren: false, at: '2026-12-01T02:00:00.000+08:00' },
  owner: OWNER,
});

export const alarmButtonEvent = eventTopic(ALARM_BUTTON_KIND, OWNER, buttonEventSchema, {
  eventId: 'btn-b3-u2-b7-000017',
  timestamp: '2026-12-01T02:00:00.000+08:00',
  type: 'press',
  battery: 87,
  retransmission: false,
});

export const alarmButtonAck = eventAckTopic(ALARM_BUTTON_KIND, OWNER);

export const BUTTON_COMMANDS = ['led', 'siren'] as const;
export const buttonCommandSchema = z.object({
  requestId: z.string().min(1).max(64),
  command: z.enum(BUTTON_COMMANDS),
  /** led: off | on | blink; siren: on | off. */
  value: z.enum(['off', 'on', 'blink']),
  /** The device turns it off by itself after this long (0: until told). */
  durationS: z.number().int().min(0).max(3600).optional(),
});
export type ButtonCommand = z.infer<typeof buttonCommandSchema>;

export const alarmButtonCommand = defineTopic({
  name: `${OWNER}.command`,
  pattern: `${ALARM_BUTTON_KIND}/{id}/command`,
  direction: 'from-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(buttonCommandSchema),
  summary: 'Switch the button\'s LED or siren; the new state follows on `state`.',
  example: { requestId: 'alarm-42-siren', command: 'siren', value: 'on', durationS: 60 },
  owner: OWNER,
});

export const alarmButtonTopics = [alarmButtonAvailability, alarmButtonState, alarmButtonEvent, alarmButtonAck, alarmButtonCommand] as const;

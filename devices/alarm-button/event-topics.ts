import { z } from 'zod';
import { defineTopic, jsonPayload } from '../../src/core/mqtt-contract.js';

/**
 * The zero-loss event link shared by the alarm device kinds (alarm buttons, door sensors), built
 * like the barriers' entries: the device journals an event durably, publishes it with its own
 * `eventId`, keeps it until the gateway's `ack` names it, and sends it again after every reconnect
 * and when no acknowledgement came within 10 s. The gateway stores each `(device, eventId)` once.
 */

export const isoTime = z.iso.datetime({ offset: true });
export const eventIdSchema = z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export function eventPayloadSchema<const T extends readonly [string, ...string[]]>(types: T) {
  return z.object({
    eventId: eventIdSchema,
    timestamp: isoTime,
    type: z.enum(types),
    /** Battery level at the time of the event, 0-100. */
    battery: z.number().int().min(0).max(100).optional(),
    /** True when the device sends this event again (replay after reconnect, or no acknowledgement in time). */
    retransmission: z.boolean().optional(),
  });
}

export const eventAckSchema = z.object({
  /** Events now stored (or stored before). The device may forget them. */
  eventIds: z.array(eventIdSchema).max(1000),
  /** Events the gateway will never store, with the reason (the device stops resending them). */
  rejected: z.array(z.object({ eventId: z.string().max(256), reason: z.string().max(512) })).max(1000).optional(),
  committedAt: isoTime,
});
export type EventAck = z.infer<typeof eventAckSchema>;

export function eventTopic<const K extends string, S extends z.ZodType>(kind: K, owner: string, schema: S, example: z.infer<S>) {
  return defineTopic({
    name: `${owner}.event`,
    mirror: false,
    pattern: `${kind}/{id}/event` as `${K}/{id}/event`,
    direction: 'to-gateway',
    qos: 1,
    retained: false,
    payload: jsonPayload(schema),
    summary: `One ${owner} event. The device keeps it (durably) until \`${kind}/<id>/ack\` names its \`eventId\`.`,
    details:
      '`eventId` is chosen by the device and unique per device forever (e.g. boot counter + sequence). The gateway stores each ' +
      '`(device id, eventId)` once: sending it again is always safe and is answered with the same acknowledgement. ' +
      'Resend held events after every reconnect and when no acknowledgement came within 10 s, with `retransmission: true`.',
    example: example as NoInfer<z.infer<S>>,
    owner,
  });
}

export function eventAckTopic<const K extends string>(kind: K, owner: string) {
  return defineTopic({
    name: `${owner}.ack`,
    mirror: false,
    pattern: `${kind}/{id}/ack` as `${K}/{id}/ack`,
    direction: 'from-gateway',
    qos: 1,
    retained: false,
    payload: jsonPayload(eventAckSchema),
    summary: 'Events stored by the gateway (after its database commit): the device may forget them.',
    example: { eventIds: ['btn-1-b3-000017'], committedAt: '2026-12-01T02:00:00.120+08:00' },
    owner,
  });
}

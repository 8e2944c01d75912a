import { z } from 'zod';
import { PayloadError } from '../../../src/core/mqtt-contract.js';
import { rejectableEventId, utcOffsetOf, type EntryAdapter } from './types.js';

/**
 * A Hikvision ISAPI ANPR alert (as an ANPR camera posts it, forwarded to MQTT as JSON): top-level
 * ipAddress, dateTime, channelName, UUID, isDataRetransmission and an ANPR block with the plate.
 * The camera's own list decision (vehicleListName) becomes the entry's result.
 */
const pictureSchema = z.looseObject({
  resourcesContentType: z.string().optional(),
  resourcesContent: z.string().optional(),
  fileName: z.string().optional(),
});

const anprAlertSchema = z.looseObject({
  ipAddress: z.string().optional(),
  dateTime: z.iso.datetime({ offset: true }),
  channelName: z.string().min(1).max(64).optional(),
  UUID: z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  isDataRetransmission: z.boolean().optional(),
  ANPR: z.looseObject({
    licensePlate: z.string().min(1).max(32),
    direction: z.enum(['forward', 'reverse', 'unknown']).optional(),
    confidenceLevel: z.number().min(0).max(100).optional(),
    plateType: z.string().optional(),
    plateColor: z.string().optional(),
    vehicleType: z.string().optional(),
    vehicleListName: z.enum(['allowList', 'blockList', 'otherList']).optional(),
    pictures: z.array(pictureSchema).optional(),
  }),
});

const COLORS: Record<string, string> = { blue: 'blue', yellow: 'yellow', green: 'green', white: 'white', black: 'black', yellowGreen: 'yellow-green' };

export const hikvisionAnprAdapter: EntryAdapter = {
  format: 'hikvision-anpr',
  decode(gate, payload) {
    const parsed = anprAlertSchema.safeParse(payload);
    if (!parsed.success) {
      throw new PayloadError(`hikvision-anpr: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`);
    }
    const alert = parsed.data;
    const anpr = alert.ANPR;
    // `unknown` direction: the camera could not tell; an ANPR camera at a gate lane faces arriving traffic.
    const direction = anpr.direction === 'reverse' ? 'out' : 'in';
    const list = anpr.vehicleListName ?? 'otherList';
    const picture = anpr.pictures?.find((p) => p.resourcesContent || p.fileName);
    return {
      gate,
      eventId: alert.UUID,
      occurredAt: Date.parse(alert.dateTime),
      deviceTime: Date.parse(alert.dateTime),
      clockOffsetMs: null,
      utcOffset: utcOffsetOf(alert.dateTime),
      direction,
      lane: alert.channelName ?? null,
      credentialType: 'plate',
      credentialValue: anpr.licensePlate,
      result: list === 'allowList' ? 'granted' : 'denied',
      reason: list === 'allowList' ? 'allow-list' : list === 'blockList' ? 'deny-list' : 'not on allow list',
      plateColor: anpr.plateColor ? (COLORS[anpr.plateColor] ?? anpr.plateColor) : null,
      vehicleType: anpr.vehicleType ?? null,
      snapshot: picture ? (picture.resourcesContent ?? picture.fileName ?? null) : null,
      confidence: anpr.confidenceLevel ?? null,
      retransmission: alert.isDataRetransmission === true,
      source: 'hikvision-anpr',
    };
  },
  eventIdOf(payload) {
    return rejectableEventId((payload as { UUID?: unknown } | null)?.UUID);
  },
};

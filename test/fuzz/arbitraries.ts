/**
 * Hostile inputs shared by the fuzz targets, built from fast-check arbitraries (so that every case
 * is seeded, reproducible and shrinks to a small counterexample).
 */
import fc from 'fast-check';

/** Keys that reach prototype machinery when a handler copies or indexes an object. */
export const prototypeKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__');

/** Text that trips decoders, renderers and comparisons: lone surrogates, NUL, RTL override, BOM. */
export const oddUnicode = fc.constantFrom(
  '\uD800',
  '\uDFFF',
  'a\u0000b',
  '\u202Eevil',
  '\uFEFF',
  '\uFFFF',
  'e\u0301\u0301\u0301',
  '😀🔥',
  '粤B·12345',
  '\u0085\u2028\u2029',
  '%00',
  '=1+HYPERLINK("x")',
  '<script>alert(1)</script>',
  '../../etc/passwd',
);

/** Plausible field values (so bodies sometimes get past the first checks). */
export const plausibleValue = fc.constantFrom<unknown>(
  'cam-1',
  'gate-1',
  'spk-1',
  'all',
  'zh',
  'en',
  'admin',
  'officer',
  'allow',
  'deny',
  '粤B12345',
  'Preset 1',
  '0 8 * * *',
  'Asia/Shanghai',
  '2099-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '',
  0,
  1,
  -1,
  0.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  [],
  {},
);

const plausibleKey = fc.constantFrom(
  'id',
  'name',
  'label',
  'role',
  'text',
  'language',
  'voice',
  'volume',
  'speakers',
  'groups',
  'targets',
  'pan',
  'tilt',
  'zoom',
  'x',
  'y',
  'speed',
  'durationMs',
  'plate',
  'list',
  'note',
  'cron',
  'timezone',
  'content',
  'kind',
  'repeat',
  'alarm',
  'priority',
  'enabled',
  'steps',
  'dwellSeconds',
  'preset',
  'items',
  'csv',
  'mode',
  'from',
  'to',
  'limit',
  'reason',
  'seconds',
  'expiresAt',
  'quietHours',
  'clipId',
  'onPreempt',
  'takeover',
);

/** `len` characters of one letter: a huge string without the cost of generating each character. */
export const hugeString = fc.integer({ min: 10_000, max: 1_500_000 }).map((len) => 'A'.repeat(len));

export const leaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: plausibleValue },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: oddUnicode },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: prototypeKey },
  { weight: 1, arbitrary: hugeString },
);

const key = fc.oneof({ weight: 6, arbitrary: plausibleKey }, { weight: 2, arbitrary: prototypeKey }, { weight: 2, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: oddUnicode });

/** Any JSON value of the shapes handlers see: objects with plausible and prototype keys, arrays, leaves. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: leaf },
    { weight: 3, arbitrary: fc.dictionary(key, tie('value'), { maxKeys: 6 }) },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 6 }) },
  ),
})).value;

/** JSON text nested `depth` levels deep (built as text: a deep object costs fast-check too much to generate). */
export const deepJsonText = fc
  .record({ depth: fc.integer({ min: 50, max: 100_000 }), shape: fc.constantFrom('object', 'array', 'mixed'), key: fc.oneof(plausibleKey, prototypeKey) })
  .map(({ depth, shape, key: k }) => {
    const open = shape === 'array' ? '[' : shape === 'object' ? `{"${k}":` : `{"${k}":[`;
    const close = shape === 'array' ? ']' : shape === 'object' ? '}' : ']}';
    return `${open.repeat(depth)}1${close.repeat(depth)}`;
  });

/** An HTTP request body: JSON (mostly), deep JSON, broken JSON, or other content types. */
export type HostileBody = { contentType: string | null; body: string | Uint8Array | null };
export const hostileBody: fc.Arbitrary<HostileBody> = fc.oneof(
  { weight: 8, arbitrary: hostileJson.map((v) => ({ contentType: 'application/json', body: JSON.stringify(v) ?? 'null' })) },
  { weight: 2, arbitrary: deepJsonText.map((t) => ({ contentType: 'application/json', body: t })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((t) => ({ contentType: 'application/json', body: t })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((b) => ({ contentType: 'application/octet-stream', body: b })) },
  {
    weight: 1,
    arbitrary: fc.record({ contentType: fc.constantFrom('text/csv', 'text/plain', 'audio/wav', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded'), body: fc.string({ maxLength: 500 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ contentType: null, body: null }) },
);

/** Path segments that break decoders and lookups, written raw into the URL (not encoded). */
export const rawHostileSegment = fc.constantFrom('%ZZ', '%', '%E0%A4%A', '%00', '..', '%2e%2e', '%2F', '%5C', '%C0%AF', '%F0%9F%98', '%uD800', '%25', '%7B%7D');

/** The string with lone surrogates replaced (encodeURIComponent throws on them). */
export function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** A path parameter: a plausible id, a hostile but encoded value, or a raw malformed one. */
export function pathParam(plausible: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...plausible) },
    { weight: 2, arbitrary: rawHostileSegment },
    { weight: 2, arbitrary: fc.oneof(oddUnicode, prototypeKey, fc.string({ maxLength: 30 }), fc.integer({ min: 100, max: 20_000 }).map((n) => 'x'.repeat(n))).map((v) => encodeURIComponent(wellFormed(v))) },
  );
}

/** One WebSocket frame: text (JSON or not), binary, or bigger than any endpoint should accept. */
export type WsFrame = { kind: 'text'; data: string } | { kind: 'binary'; data: Uint8Array } | { kind: 'oversized'; bytes: number; binary: boolean };
/** Frames an endpoint might plausibly get: JSON, odd texts, binary. */
export const wsFrame: fc.Arbitrary<WsFrame> = fc.oneof(
  { weight: 3, arbitrary: hostileJson.map((v) => ({ kind: 'text' as const, data: JSON.stringify(v) ?? 'null' })) },
  // Top-level JSON that is not an object, and control messages with wrong types.
  { weight: 3, arbitrary: fc.constantFrom('null', '0', '"stop"', '[]', '{"type":null}', '{"type":"hello","codecs":null}', 'ping', '').map((data) => ({ kind: 'text' as const, data })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((data) => ({ kind: 'text' as const, data })) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((data) => ({ kind: 'binary' as const, data })) },
);

/** A frame bigger than any endpoint should accept (the ws library's default limit is 100 MiB, the gateway's 4 MiB). */
export const oversizedFrame: fc.Arbitrary<WsFrame> = fc.record({ kind: fc.constant('oversized' as const), bytes: fc.integer({ min: 4 * 1024 * 1024 + 1, max: 12 * 1024 * 1024 }), binary: fc.boolean() });

/** An MQTT payload, or `hugeMb` MiB of one byte (described, not held: fast-check prints its counterexamples). */
export type MqttPayload = string | Uint8Array | { hugeMb: number };

export function payloadBytes(p: MqttPayload): Buffer {
  return typeof p === 'string' || p instanceof Uint8Array ? Buffer.from(p) : Buffer.alloc(p.hugeMb * 1024 * 1024, 0x41);
}

/** An MQTT payload: the topic's example changed in one place, random JSON, text, bytes, or huge. */
export function mqttPayload(example: unknown): fc.Arbitrary<MqttPayload> {
  const mutated =
    example && typeof example === 'object' && !Array.isArray(example)
      ? fc.record({ k: fc.oneof(fc.constantFrom(...Object.keys(example)), prototypeKey, plausibleKey), v: hostileJson }).map(({ k, v }) => JSON.stringify({ ...(example as object), [k]: v }))
      : hostileJson.map((v) => JSON.stringify(v) ?? 'null');
  return fc.oneof<fc.WeightedArbitrary<MqttPayload>[]>(
    { weight: 5, arbitrary: mutated },
    { weight: 3, arbitrary: hostileJson.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: deepJsonText },
    { weight: 1, arbitrary: fc.oneof(oddUnicode, fc.string({ maxLength: 100 })) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
    // Far bigger than any device message: the gateway must refuse it, not keep it.
    { weight: 1, arbitrary: fc.constantFrom(1, 8, 64, 200).map((hugeMb) => ({ hugeMb })) },
  );
}

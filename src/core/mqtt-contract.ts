import { z } from 'zod';

/**
 * The building blocks of the MQTT topic contract. A topic is declared once, with its pattern, its
 * payload codec (schema -> TypeScript type) and its documentation; the gateway validates every
 * inbound message with it, the simulators speak it, and docs/mqtt.md is generated from it.
 *
 * Patterns are relative to the base topic and name their variable levels in braces:
 * `barriers/{id}/entry`. A variable always fills exactly one topic level.
 */

export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

export interface PayloadCodec<T> {
  format: 'json' | 'text' | 'binary';
  /** Parses and validates; throws PayloadError with a reason a device vendor can act on. */
  decode(payload: Buffer): T;
  encode(value: T): Buffer | string;
  /** JSON Schema (json/text) or a prose description (binary) for the generated docs. */
  describe(): unknown;
}

function zodReason(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message.replace(/^Invalid input: /, '')}`)
    .join('; ');
}

/** A UTF-8 JSON payload validated by a zod schema. */
export function jsonPayload<S extends z.ZodType>(schema: S): PayloadCodec<z.infer<S>> {
  return {
    format: 'json',
    decode(payload) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(payload.toString('utf8'));
      } catch {
        throw new PayloadError('payload is not valid JSON');
      }
      const result = schema.safeParse(parsed);
      if (!result.success) throw new PayloadError(zodReason(result.error));
      return result.data;
    },
    encode: (value) => JSON.stringify(value),
    describe: () => z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }),
  };
}

/** A plain-text payload (e.g. `online` / `offline`), validated by a zod string schema. */
export function textPayload<S extends z.ZodType<string>>(schema: S): PayloadCodec<z.infer<S>> {
  return {
    format: 'text',
    decode(payload) {
      const result = schema.safeParse(payload.toString('utf8'));
      if (!result.success) throw new PayloadError(zodReason(result.error));
      return result.data;
    },
    encode: (value) => String(value),
    describe: () => z.toJSONSchema(schema, { unrepresentable: 'any' }),
  };
}

/** A binary payload with its own decoder (e.g. audio frames with a fixed header). */
export function binaryPayload<T>(codec: { decode(payload: Buffer): T; encode(value: T): Buffer; description: string }): PayloadCodec<T> {
  return { format: 'binary', decode: codec.decode, encode: codec.encode, describe: () => codec.description };
}

export type Direction =
  /** Published by devices or integrations, received by the gateway. */
  | 'to-gateway'
  /** Published by the gateway. */
  | 'from-gateway';

export interface TopicSpec<T = unknown, P extends string = string> {
  /** Stable dotted name, e.g. `barrier.entry`. */
  name: string;
  /** Relative to the base topic, variables in braces: `barriers/{id}/entry`. */
  pattern: string;
  direction: Direction;
  qos: 0 | 1 | 2;
  retained: boolean;
  payload: PayloadCodec<T>;
  /** One line for the docs. */
  summary: string;
  /** Longer explanation for the docs (markdown). */
  details?: string;
  /** An example payload (shown in the docs and checked against the schema in a test). */
  example: T;
  /** The device kind whose contract this topic belongs to, or `gateway`. */
  owner: string;
  /**
   * Whether the dashboards' feed mirrors this topic (default: yes, for non-binary payloads). Raw
   * high-rate traffic that the gateway republishes in processed form (barrier entries and their
   * acknowledgements, mirrored as `access/entries/<gate>`) sets false.
   */
  mirror?: boolean;
  /** Names of the variables in the pattern (typed for builders). */
  readonly params: readonly P[];
}

type ParamsOf<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamsOf<Rest> : never;

export function defineTopic<T, const S extends string>(
  spec: Omit<TopicSpec<T, ParamsOf<S>>, 'params' | 'pattern' | 'example'> & { pattern: S; example: NoInfer<T> },
): TopicSpec<T, ParamsOf<S>> {
  const params = [...spec.pattern.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1] as ParamsOf<S>);
  return { ...spec, params };
}

/** Whether the feed mirrors messages of this topic. */
export function isMirrored(spec: TopicSpec<unknown, string>): boolean {
  return spec.mirror !== false && spec.payload.format !== 'binary';
}

export type PayloadOf<S> = S extends TopicSpec<infer T, string> ? T : never;
export type TopicParams<S> = S extends TopicSpec<unknown, infer P> ? Record<P, string> : never;

// eslint-disable-next-line no-control-regex -- NUL is not allowed in MQTT topics
const LEVEL_OK = /^[^/#+\u0000]+$/;

/** Builds the full topic for a spec; throws when a variable is empty or would add levels or wildcards. */
export function buildTopic<P extends string>(base: string, spec: TopicSpec<unknown, P>, params: Record<P, string>): string {
  const relative = spec.pattern.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const value = params[name as P];
    if (typeof value !== 'string' || !LEVEL_OK.test(value)) throw new Error(`topic variable ${name}="${String(value)}" is not a single topic level`);
    return value;
  });
  return `${base}/${relative}`;
}

/** The MQTT subscription filter for a spec (variables become `+`). */
export function topicFilter(base: string, spec: TopicSpec<unknown, string>): string {
  return `${base}/${spec.pattern.replace(/\{[A-Za-z]+\}/g, '+')}`;
}

/** A pattern split into levels once: literal strings, or the name of a variable. */
export type CompiledPattern = ReadonlyArray<{ literal: string } | { variable: string }>;

export function compilePattern(pattern: string): CompiledPattern {
  return pattern.split('/').map((level) => {
    const variable = /^\{([A-Za-z]+)\}$/.exec(level);
    return variable ? { variable: variable[1]! } : { literal: level };
  });
}

/** Matches the levels below the base topic against a compiled pattern; returns its variables. */
export function matchLevels(compiled: CompiledPattern, levels: readonly string[]): Record<string, string> | undefined {
  if (levels.length !== compiled.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < compiled.length; i++) {
    const want = compiled[i]!;
    const got = levels[i]!;
    if ('variable' in want) {
      if (!got) return undefined;
      params[want.variable] = got;
    } else if (want.literal !== got) {
      return undefined;
    }
  }
  return params;
}

/** Matches a concrete topic against a spec; returns its variables or undefined. */
export function matchTopic(base: string, spec: TopicSpec<unknown, string>, topic: string): Record<string, string> | undefined {
  if (!topic.startsWith(`${base}/`)) return undefined;
  return matchLevels(compilePattern(spec.pattern), topic.slice(base.length + 1).split('/'));
}

export const availabilitySchema = z.enum(['online', 'offline']);
export type Availability = z.infer<typeof availabilitySchema>;

/**
 * The retained availability topic every MQTT device kind has (`<kind>/{id}/availability`): the
 * device publishes `online` retained on connect and sets `offline` retained as its last will.
 */
export function deviceAvailabilityTopic<const K extends string>(kind: K, owner: string) {
  return defineTopic({
    name: `${owner}.availability`,
    pattern: `${kind}/{id}/availability` as `${K}/{id}/availability`,
    direction: 'to-gateway',
    qos: 1,
    retained: true,
    payload: textPayload(availabilitySchema),
    summary: `Whether the ${owner} is connected: \`online\` retained on connect, \`offline\` retained as its last will.`,
    example: 'online',
    owner,
  });
}

/**
 * Field behaviours of a simulated barrier, as data (in the manner of Z-Wave JS's mock devices):
 * chosen per test (`behaviours` option of SimulatedBarrier / BarrierFleet) or for the demo and
 * `sim` by the environment variable BARRIER_BEHAVIOURS, e.g. `clock-skew=-7200000,long-event-id`.
 */
export type BarrierBehaviour =
  /** Its clock is off by offsetMs (entry timestamps and state `at`), as a barrier that lost NTP or its RTC battery. */
  | { name: 'clock-skew'; offsetMs: number }
  /** Its event ids are `length` characters long (the contract allows 128). */
  | { name: 'long-event-id'; length: number };

/** Each behaviour with the value it takes when none is given. */
export const BARRIER_BEHAVIOUR_DEFAULTS: { [K in BarrierBehaviour['name']]: Extract<BarrierBehaviour, { name: K }> } = {
  'clock-skew': { name: 'clock-skew', offsetMs: 3 * 3600_000 },
  'long-event-id': { name: 'long-event-id', length: 129 },
};

/** Parses `name[=number],...`; throws with the known names on anything else. */
export function parseBarrierBehaviours(spec: string | undefined): BarrierBehaviour[] {
  if (!spec?.trim()) return [];
  return spec.split(',').map((part) => {
    const [name, value] = part.trim().split('=') as [string, string | undefined];
    const base = (BARRIER_BEHAVIOUR_DEFAULTS as Record<string, BarrierBehaviour | undefined>)[name];
    if (!base) throw new Error(`unknown barrier behaviour "${name}"; known: ${Object.keys(BARRIER_BEHAVIOUR_DEFAULTS).join(', ')}`);
    if (value === undefined) return base;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`barrier behaviour ${name}: "${value}" is not a number`);
    return base.name === 'clock-skew' ? { name: 'clock-skew', offsetMs: n } : { name: 'long-event-id', length: Math.max(1, Math.min(4096, Math.round(n))) };
  });
}

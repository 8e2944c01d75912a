/**
 * Field behaviours of simulated alarm devices, as data (like the barrier's): chosen per test or for
 * the demo by ALARM_DEVICE_BEHAVIOURS, e.g. `duplicate,bounce=3`.
 */
export type AlarmDeviceBehaviour =
  /** Every event is published twice (a device that retries without waiting for its PUBACK). */
  | { name: 'duplicate' }
  /** A door contact that bounces: each change is followed by `count` extra open/closed flips within 50 ms. */
  | { name: 'bounce'; count: number }
  /** Its clock is off by offsetMs (event timestamps). */
  | { name: 'clock-skew'; offsetMs: number }
  /** Never resends by itself while connected (only replays after a reconnect). */
  | { name: 'no-resend' };

export const ALARM_DEVICE_BEHAVIOUR_DEFAULTS: { [K in AlarmDeviceBehaviour['name']]: Extract<AlarmDeviceBehaviour, { name: K }> } = {
  duplicate: { name: 'duplicate' },
  bounce: { name: 'bounce', count: 2 },
  'clock-skew': { name: 'clock-skew', offsetMs: 3600_000 },
  'no-resend': { name: 'no-resend' },
};

export function parseAlarmDeviceBehaviours(spec: string | undefined): AlarmDeviceBehaviour[] {
  if (!spec?.trim()) return [];
  return spec.split(',').map((part) => {
    const [name, value] = part.trim().split('=') as [string, string | undefined];
    const base = (ALARM_DEVICE_BEHAVIOUR_DEFAULTS as Record<string, AlarmDeviceBehaviour | undefined>)[name];
    if (!base) throw new Error(`unknown alarm device behaviour "${name}"; known: ${Object.keys(ALARM_DEVICE_BEHAVIOUR_DEFAULTS).join(', ')}`);
    if (value === undefined) return base;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`alarm device behaviour ${name}: "${value}" is not a number`);
    if (base.name === 'bounce') return { name: 'bounce', count: Math.max(1, Math.min(20, Math.round(n))) };
    if (base.name === 'clock-skew') return { name: 'clock-skew', offsetMs: n };
    return base;
  });
}

export function behaviour<K extends AlarmDeviceBehaviour['name']>(list: readonly AlarmDeviceBehaviour[] | undefined, name: K): Extract<AlarmDeviceBehaviour, { name: K }> | undefined {
  return list?.find((b) => b.name === name) as Extract<AlarmDeviceBehaviour, { name: K }> | undefined;
}

/**
 * The kinds of record a site sends up to the district: a small registry, so that features that
 * come later (alarms, work orders) add their kind with one call and the same outbox carries them.
 * A record's JetStream subject is `site.<site>.<kind>`, its Nats-Msg-Id `<site>/<kind>/<id>`.
 */

export interface UplinkKind {
  /** Lower-case letters and dashes; the subject's last token. */
  name: string;
  /** What it is, for people (docs, logs). */
  description: string;
}

const kinds = new Map<string, UplinkKind>();

export function registerUplinkKind(kind: UplinkKind): UplinkKind {
  if (!/^[a-z][a-z-]{0,31}$/.test(kind.name)) throw new Error(`uplink kind "${kind.name}" must be lower-case letters and dashes`);
  const existing = kinds.get(kind.name);
  if (existing && existing.description !== kind.description) throw new Error(`uplink kind "${kind.name}" is already registered`);
  kinds.set(kind.name, kind);
  return kind;
}

export function uplinkKind(name: string): UplinkKind | undefined {
  return kinds.get(name);
}

export function uplinkKinds(): UplinkKind[] {
  return [...kinds.values()];
}

export const ENTRY_KIND = registerUplinkKind({ name: 'entry', description: 'a gate entry, as stored in access_entries (id: its row id)' });
export const AVAILABILITY_KIND = registerUplinkKind({ name: 'availability', description: 'a device went online or offline (id: kind/device/time)' });
export const STATS_KIND = registerUplinkKind({ name: 'stats', description: 'flow per gate for one finished hour (id: gate/hour start)' });
export const HEARTBEAT_KIND = registerUplinkKind({ name: 'heartbeat', description: 'the site is connected (id: send time); published directly, not through the outbox' });
export const NOTICE_STATE_KIND = registerUplinkKind({ name: 'notice-state', description: "a district notice's delivery state at this site (id: notice/state)" });

export function subjectOf(site: string, kind: string): string {
  return `site.${site}.${kind}`;
}

export function msgIdOf(site: string, kind: string, recordId: string): string {
  return `${site}/${kind}/${recordId}`;
}

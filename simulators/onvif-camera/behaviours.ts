/**
 * Field behaviours of real cameras, as data (in the manner of Z-Wave JS's mock devices): each
 * named behaviour is a set of flags the SOAP handlers read at every call, so a test (options,
 * or the control API at run time) or the CLI (`--behaviour <name>`, repeatable) picks them.
 * Measured on an independent ONVIF server and on cameras in the field (docs/simulators.md).
 */
export interface FieldBehaviours {
  /** GetServices and GetCapabilities answer without a login (many cameras do). */
  loginFreeServices: boolean;
  /** ContinuousMove's Timeout is ignored: the head turns until Stop. */
  ignoreMoveTimeout: boolean;
  /** SetPreset refuses a name with anything but printable ASCII (fault with Reason and Detail). */
  asciiPresetNames: boolean;
  /** Renew without wsa:MessageID and wsa:Action is refused (ter:ActionFailed). */
  strictRenew: boolean;
  /** How many PullPoint subscriptions the camera holds at once; 0: no limit. */
  subscriptionSlots: number;
  /** No PTZ service: not advertised, no PTZ configuration in the profiles, PTZ calls unknown. */
  noPtz: boolean;
  /** A wrong service path answers HTTP 404 with an HTML page (as web servers in cameras do). */
  htmlNotFound: boolean;
}

export const NO_BEHAVIOURS: Readonly<FieldBehaviours> = {
  loginFreeServices: false,
  ignoreMoveTimeout: false,
  asciiPresetNames: false,
  strictRenew: false,
  subscriptionSlots: 0,
  noPtz: false,
  htmlNotFound: false,
};

export const BEHAVIOURS = {
  'login-free-services': { loginFreeServices: true },
  'ignore-move-timeout': { ignoreMoveTimeout: true },
  'ascii-preset-names': { asciiPresetNames: true },
  'strict-renew': { strictRenew: true },
  'subscription-slots': { subscriptionSlots: 8 },
  'no-ptz': { noPtz: true },
  'html-404': { htmlNotFound: true },
  /** The independent C CGI ONVIF server of the field notes: all of its habits at once. */
  'cgi-server': { loginFreeServices: true, ignoreMoveTimeout: true, asciiPresetNames: true, strictRenew: true, subscriptionSlots: 8, htmlNotFound: true },
} as const satisfies Record<string, Partial<FieldBehaviours>>;

export type BehaviourName = keyof typeof BEHAVIOURS;

export const BEHAVIOUR_NAMES = Object.keys(BEHAVIOURS) as BehaviourName[];

export function isBehaviourName(name: string): name is BehaviourName {
  return Object.hasOwn(BEHAVIOURS, name);
}

/** The flags of the named behaviours together (later names win), then explicit overrides. */
export function resolveBehaviours(names: readonly string[] = [], overrides: Partial<FieldBehaviours> = {}): FieldBehaviours {
  const out: FieldBehaviours = { ...NO_BEHAVIOURS };
  for (const name of names) {
    if (!isBehaviourName(name)) throw new Error(`unknown camera behaviour "${name}" (known: ${BEHAVIOUR_NAMES.join(', ')})`);
    Object.assign(out, BEHAVIOURS[name]);
  }
  Object.assign(out, overrides);
  if (!Number.isInteger(out.subscriptionSlots) || out.subscriptionSlots < 0) throw new Error(`subscriptionSlots must be a non-negative integer, got ${out.subscriptionSlots}`);
  return out;
}

/** Printable ASCII only (what such cameras accept in a preset name). */
export function isAsciiName(name: string): boolean {
  return /^[\x20-\x7e]*$/.test(name);
}

/**
 * How features find each other without importing each other's internals: a feature provides an
 * implementation under a typed key, another requires it (at start(), when every feature has been
 * built). Keys are declared next to the interface they stand for.
 */
export interface CapabilityKey<T> {
  readonly name: string;
  /** Phantom field carrying the type; never set. */
  readonly __type?: T;
}

export function capabilityKey<T>(name: string): CapabilityKey<T> {
  return { name };
}

export class CapabilityRegistry {
  private readonly provided = new Map<CapabilityKey<unknown>, unknown>();

  provide<T>(key: CapabilityKey<T>, implementation: T): void {
    if (this.provided.has(key as CapabilityKey<unknown>)) throw new Error(`capability ${key.name} is already provided`);
    this.provided.set(key as CapabilityKey<unknown>, implementation);
  }

  require<T>(key: CapabilityKey<T>): T {
    if (!this.provided.has(key as CapabilityKey<unknown>)) throw new Error(`capability ${key.name} is not provided by any feature`);
    return this.provided.get(key as CapabilityKey<unknown>) as T;
  }

  optional<T>(key: CapabilityKey<T>): T | undefined {
    return this.provided.get(key as CapabilityKey<unknown>) as T | undefined;
  }
}

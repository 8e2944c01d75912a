import { hikvisionAnprAdapter } from './hikvision-anpr.js';
import { nativeAdapter } from './native.js';
import type { EntryAdapter } from './types.js';

export type { EntryAdapter, EntryRecord } from './types.js';

/** Vendor formats accepted on `barriers/<id>/vendor/<format>` (plus `native` on `entry`). */
export const DEFAULT_ADAPTERS: readonly EntryAdapter[] = [nativeAdapter, hikvisionAnprAdapter];

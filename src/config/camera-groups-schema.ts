import { z } from 'zod';

/**
 * Camera groups (areas) for the console's camera tree: each with a display name (Chinese allowed)
 * and optionally the group it sits in. A camera names its group with `group:` (docs/dashboards.md).
 */
export const cameraGroupSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "-" and "_" only (at most 64), starting with a letter or digit'),
  /** What the officer reads, e.g. 东区 or 地库. */
  name: z.string().trim().min(1).max(64),
  /** The group this one sits in (a tree: 东区 > 东门), or absent for a top-level group. */
  parent: z.string().min(1).max(64).optional(),
});

export const cameraGroupsSchema = z.array(cameraGroupSchema).max(500);
export type CameraGroup = z.infer<typeof cameraGroupSchema>;

/** Problems of a group list and the cameras naming groups: unknown ids, duplicates, cycles. Empty when fine. */
export function cameraGroupProblems(groups: readonly CameraGroup[], cameras: ReadonlyArray<{ id: string; group?: string | undefined }>): Array<{ path: (string | number)[]; message: string }> {
  const problems: Array<{ path: (string | number)[]; message: string }> = [];
  const byId = new Map<string, CameraGroup>();
  groups.forEach((g, i) => {
    if (byId.has(g.id)) problems.push({ path: ['groups', i, 'id'], message: `group "${g.id}" is defined twice` });
    byId.set(g.id, g);
  });
  groups.forEach((g, i) => {
    if (g.parent === undefined) return;
    if (!byId.has(g.parent)) return void problems.push({ path: ['groups', i, 'parent'], message: `group "${g.parent}" is not defined under cameras.groups` });
    // Walk up: a group that reaches itself sits inside itself.
    const seen = new Set([g.id]);
    for (let up = byId.get(g.parent); up; up = up.parent ? byId.get(up.parent) : undefined) {
      if (seen.has(up.id)) return void problems.push({ path: ['groups', i, 'parent'], message: `group "${g.id}" would sit inside itself` });
      seen.add(up.id);
    }
  });
  cameras.forEach((c, i) => {
    if (c.group !== undefined && !byId.has(c.group)) problems.push({ path: ['list', i, 'group'], message: `camera "${c.id}" names group "${c.group}", which is not defined under cameras.groups` });
  });
  return problems;
}

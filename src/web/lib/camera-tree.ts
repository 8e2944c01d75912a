/**
 * The console's camera tree: configured groups (areas, with parents) holding their cameras, then
 * cameras without a group by their location, then the rest. A search keeps the cameras whose
 * name, id, location or any enclosing group's name holds it, and the groups on their way.
 */
export interface TreeGroup {
  id: string;
  name: string;
  parent: string | null;
}

export interface TreeCamera {
  id: string;
  name: string;
}

export interface TreeNode<C extends TreeCamera> {
  /** `group:<id>`, `location:<text>` or `ungrouped`. */
  key: string;
  name: string;
  cameras: C[];
  children: Array<TreeNode<C>>;
  /** Cameras in this node and below. */
  count: number;
}

export function buildCameraTree<C extends TreeCamera>(
  cameras: readonly C[],
  placeOf: ReadonlyMap<string, { group: string | null; location: string | null }>,
  groups: readonly TreeGroup[],
  query: string,
  ungroupedName: string,
): Array<TreeNode<C>> {
  const q = query.trim().toLowerCase();
  const byId = new Map(groups.map((g) => [g.id, g]));
  /** Names of the group and every group it sits in (bounded: the config refuses cycles). */
  const pathNames = (id: string | null): string[] => {
    const names: string[] = [];
    for (let g = id ? byId.get(id) : undefined, n = 0; g && n < 50; g = g.parent ? byId.get(g.parent) : undefined, n++) names.push(g.name);
    return names;
  };
  const matches = (c: C): boolean => {
    if (!q) return true;
    const place = placeOf.get(c.id);
    return [c.name, c.id, place?.location ?? '', ...pathNames(place?.group ?? null)].some((text) => text.toLowerCase().includes(q));
  };
  const nodes = new Map<string, TreeNode<C>>();
  for (const g of groups) nodes.set(`group:${g.id}`, { key: `group:${g.id}`, name: g.name, cameras: [], children: [], count: 0 });
  const loose = new Map<string, TreeNode<C>>();
  for (const c of cameras) {
    if (!matches(c)) continue;
    const place = placeOf.get(c.id);
    const node = place?.group ? nodes.get(`group:${place.group}`) : undefined;
    if (node) {
      node.cameras.push(c);
      continue;
    }
    const key = place?.location ? `location:${place.location}` : 'ungrouped';
    if (!loose.has(key)) loose.set(key, { key, name: place?.location || ungroupedName, cameras: [], children: [], count: 0 });
    loose.get(key)!.cameras.push(c);
  }
  const roots: Array<TreeNode<C>> = [];
  for (const g of groups) {
    const node = nodes.get(`group:${g.id}`)!;
    const parent = g.parent ? nodes.get(`group:${g.parent}`) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const settle = (node: TreeNode<C>, depth: number): number => {
    node.count = node.cameras.length + (depth > 50 ? 0 : node.children.reduce((n, child) => n + settle(child, depth + 1), 0));
    node.children = node.children.filter((child) => child.count > 0);
    return node.count;
  };
  for (const r of roots) settle(r, 0);
  const ungroupedLast = [...loose.values()].sort((a, b) => (a.key === 'ungrouped' ? 1 : b.key === 'ungrouped' ? -1 : a.name.localeCompare(b.name)));
  for (const n of ungroupedLast) n.count = n.cameras.length;
  return [...roots.filter((r) => r.count > 0), ...ungroupedLast];
}

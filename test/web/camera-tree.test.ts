/** The console's camera tree: configured groups with parents, cameras by group then location, search. */
import { describe, expect, it } from 'vitest';
import { buildCameraTree, type TreeNode } from '../../src/web/lib/camera-tree.js';
import { cameraGroupProblems } from '../../src/config/camera-groups-schema.js';
import { loadConfig } from '../../src/config/load.js';

const cams = ['cam-1', 'cam-2', 'cam-3', 'cam-4', 'cam-5'].map((id, i) => ({ id, name: ['东门', '西门', '地库入口', '一号楼', '广场'][i]! }));
const groups = [
  { id: 'east', name: '东区', parent: null },
  { id: 'east-gate', name: '东门岗', parent: 'east' },
  { id: 'garage', name: '地库', parent: null },
  { id: 'empty', name: '空区域', parent: null },
];
const places = new Map([
  ['cam-1', { group: 'east-gate', location: null }],
  ['cam-2', { group: 'east', location: null }],
  ['cam-3', { group: 'garage', location: 'B1' }],
  ['cam-4', { group: null, location: '一号楼大堂' }],
  ['cam-5', { group: null, location: null }],
]);

const shape = (nodes: Array<TreeNode<{ id: string; name: string }>>): unknown => nodes.map((n) => ({ name: n.name, count: n.count, cameras: n.cameras.map((c) => c.id), children: shape(n.children) }));

describe('camera tree', () => {
  it('nests groups by parent, then cameras without a group by location, the rest last; empty groups are left out', () => {
    expect(shape(buildCameraTree(cams, places, groups, '', '未分区'))).toEqual([
      { name: '东区', count: 2, cameras: ['cam-2'], children: [{ name: '东门岗', count: 1, cameras: ['cam-1'], children: [] }] },
      { name: '地库', count: 1, cameras: ['cam-3'], children: [] },
      { name: '一号楼大堂', count: 1, cameras: ['cam-4'], children: [] },
      { name: '未分区', count: 1, cameras: ['cam-5'], children: [] },
    ]);
  });

  it('finds cameras by name, id, location and the name of any group they sit in', () => {
    expect(shape(buildCameraTree(cams, places, groups, '东区', '未分区'))).toEqual([
      { name: '东区', count: 2, cameras: ['cam-2'], children: [{ name: '东门岗', count: 1, cameras: ['cam-1'], children: [] }] },
    ]);
    expect(shape(buildCameraTree(cams, places, groups, 'b1', '未分区'))).toEqual([{ name: '地库', count: 1, cameras: ['cam-3'], children: [] }]);
    expect(shape(buildCameraTree(cams, places, groups, 'CAM-5', '未分区'))).toEqual([{ name: '未分区', count: 1, cameras: ['cam-5'], children: [] }]);
    expect(buildCameraTree(cams, places, groups, 'nothing like it', '未分区')).toEqual([]);
  });
});

describe('camera groups in the config', () => {
  it('accepts groups with Chinese names and cameras naming them', () => {
    const { config } = loadConfig({
      env: {},
      overrides: { cameras: { groups: [{ id: 'east', name: '东区' }, { id: 'gate', name: '东门', parent: 'east' }], list: [{ id: 'cam-1', name: '东门', host: '127.0.0.1', port: 80, group: 'gate' }] } },
    });
    expect(config.cameras.groups.map((g) => g.name)).toEqual(['东区', '东门']);
    expect(config.cameras.list[0]!.group).toBe('gate');
  });

  it('refuses an unknown group, a duplicate id and a group inside itself', () => {
    expect(() => loadConfig({ env: {}, overrides: { cameras: { groups: [], list: [{ id: 'cam-1', name: 'A', host: '127.0.0.1', port: 80, group: 'nowhere' }] } } })).toThrow(/nowhere/);
    expect(cameraGroupProblems([{ id: 'a', name: 'A' }, { id: 'a', name: 'A2' }], []).map((p) => p.message)).toEqual(['group "a" is defined twice']);
    expect(cameraGroupProblems([{ id: 'a', name: 'A', parent: 'b' }, { id: 'b', name: 'B', parent: 'a' }], []).map((p) => p.message)).toEqual(['group "a" would sit inside itself', 'group "b" would sit inside itself']);
    expect(cameraGroupProblems([{ id: 'a', name: 'A', parent: 'zz' }], []).map((p) => p.message)).toEqual(['group "zz" is not defined under cameras.groups']);
  });
});

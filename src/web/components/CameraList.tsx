import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import type { CameraView } from '../lib/cameras.js';
import { buildCameraTree, type TreeGroup, type TreeNode } from '../lib/camera-tree.js';
import { prepareStreams } from '../lib/stream-prepare.js';
import { StatusDot } from './DeviceHealth.js';

/** Drag data type of a camera dragged from the list into a cell. */
export const CAMERA_DRAG_TYPE = 'text/x-cg-camera';

export interface CameraPlace {
  group: string | null;
  location: string | null;
}

function CameraItem({ camera, onPick }: { camera: CameraView; onPick: (cameraId: string) => void }) {
  return (
    <li>
      <button
        type="button"
        class="camera-item"
        data-camera={camera.id}
        draggable
        title={t('console.list.put', { name: camera.name })}
        // Pressed or dragged: the camera is about to go into a cell (most cells play the sub stream).
        onPointerDown={() => prepareStreams([{ camera: camera.id, profile: 'sub' }])}
        onDragStart={(e) => {
          prepareStreams([{ camera: camera.id, profile: 'sub' }]);
          e.dataTransfer?.setData(CAMERA_DRAG_TYPE, camera.id);
          e.dataTransfer?.setData('text/plain', camera.id);
        }}
        onClick={() => onPick(camera.id)}
      >
        <StatusDot online={camera.online} /> {camera.name}
      </button>
    </li>
  );
}

/** One group of the tree: its name and count (click folds it), its cameras, its sub-groups. */
function GroupNode({ node, depth, searching, onPick }: { node: TreeNode<CameraView>; depth: number; searching: boolean; onPick: (cameraId: string) => void }) {
  const [folded, setFolded] = useState(false);
  const open = searching || !folded;
  return (
    <li class="camera-group" data-group={node.key} style={{ '--depth': depth }}>
      <button type="button" class="group-toggle" aria-expanded={open} onClick={() => setFolded(!folded)}>
        <span class="group-caret" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        <span class="group-name">{node.name}</span> <span class="muted small">({node.count})</span>
      </button>
      {open && (
        <ul>
          {node.cameras.map((c) => (
            <CameraItem key={c.id} camera={c} onPick={onPick} />
          ))}
          {node.children.map((child) => (
            <GroupNode key={child.key} node={child} depth={depth + 1} searching={searching} onPick={onPick} />
          ))}
        </ul>
      )}
    </li>
  );
}

/**
 * Every camera in a tree of its groups (areas, from the config), then by location, with a search
 * over names, ids, locations and group names: click puts a camera into the selected cell, or drag
 * it onto any cell.
 */
export function CameraList({ cameras, places, groups, onPick }: { cameras: CameraView[]; places: ReadonlyMap<string, CameraPlace>; groups: readonly TreeGroup[]; onPick: (cameraId: string) => void }) {
  const [query, setQuery] = useState('');
  const tree = buildCameraTree(cameras, places, groups, query, t('console.list.ungrouped'));
  const flat = tree.length === 1 && tree[0]!.key === 'ungrouped';
  return (
    <nav class="camera-list card" aria-label={t('console.list.title')}>
      <label>
        <span class="sr-only">{t('console.list.search')}</span>
        <input type="search" name="camera-search" placeholder={t('console.list.searchHint')} aria-label={t('console.list.search')} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      </label>
      <p class="muted small">{t('console.list.help')}</p>
      {tree.length === 0 && <p class="muted">{t('console.list.none')}</p>}
      {flat ? (
        <ul>
          {tree[0]!.cameras.map((c) => (
            <CameraItem key={c.id} camera={c} onPick={onPick} />
          ))}
        </ul>
      ) : (
        <ul class="camera-tree">
          {tree.map((node) => (
            <GroupNode key={node.key} node={node} depth={0} searching={query.trim() !== ''} onPick={onPick} />
          ))}
        </ul>
      )}
    </nav>
  );
}

import type { gateTasksZh } from './gate-tasks.zh-CN.js';

/** Strings of the gates page's tasks (English). */
export const gateTasksEn: Record<keyof typeof gateTasksZh, string> = {
  'gates.exportCsv': 'Export CSV (current filters)',
  'gates.shownCount': '{n} shown',
  'gates.col.snapshot': 'Snapshot',
  'gates.rawValue': 'As the barrier sent it',
  'gates.older': 'Load older entries',
  'gates.snapshotOnBarrier': 'The snapshot is kept on the barrier; the gateway cannot fetch it',
  'gates.snapshotRef': 'on the barrier',
  'gates.snapshotOf': 'Snapshot of {value}',
  'gates.filter.from': 'From',
  'gates.filter.to': 'To',
  'gates.filter.clear': 'Clear filters',
  'gates.offline': 'Offline',
  'gates.offlineReason': 'The barrier is offline: remote commands are not possible (check its power and network)',
  'gates.cameraOf': 'Camera at {barrier}',
  'gates.noCamera': 'No camera configured for this barrier',
  'gates.quickReasons': 'Quick pick',
  'gates.lists.import': 'Import from CSV',
  'gates.lists.importHint': 'One line each: list (allow/deny),type (plate/card/...),value[,note]',
  'gates.lists.importReplace': 'Replace everything (remove items not in the file)',
  'gates.lists.importDone': '{imported} imported, {removed} removed',
  'gates.lists.importAdminOnly': 'Only an admin can import lists',
} as const;

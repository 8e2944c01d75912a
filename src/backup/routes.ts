import { NotFoundError } from '../core/errors.js';
import { defineRoutes, type RouteModule } from '../http/route.js';
import type { BackupService } from './backup-service.js';

/** Backups for admins: list, make one now, download. */
export function backupRoutes(backups: BackupService): RouteModule {
  return defineRoutes([
    {
      method: 'get',
      path: '/api/backups',
      access: 'admin',
      summary: 'The backup archives kept (newest first): name, bytes, createdAt.',
      handler: () => ({ dir: backups.dir, backups: backups.list() }),
    },
    {
      method: 'post',
      path: '/api/backups',
      access: 'admin',
      audit: 'backup.create',
      created: true,
      summary: 'Makes a backup now (database by SQLite\'s online backup, data folder with certificates and keys, config file); answers the archive and its table row counts.',
      handler: async () => {
        const made = await backups.create();
        return { name: made.name, bytes: made.bytes, createdAt: made.createdAt, tables: made.manifest.tables };
      },
    },
    {
      method: 'get',
      path: '/api/backups/:name',
      access: 'admin',
      summary: 'Downloads one archive (tar.gz). It holds every secret of the gateway: keep it safe.',
      handler: async (req, res) => {
        const path = backups.pathOf(String(req.params.name));
        if (!path) throw new NotFoundError('backup.not-found', { name: String(req.params.name).slice(0, 80) });
        await new Promise<void>((resolve, reject) => res.download(path, (err) => (err ? reject(err) : resolve())));
      },
    },
  ]);
}

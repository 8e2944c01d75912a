import pg from 'pg';
import { silentLogger } from '../../src/core/logger.js';
import { parseDistrictConfig, type DistrictConfig } from '../../src/district/config.js';
import { WEB_DIST } from '../../src/dashboard/feature.js';
import { DistrictService } from '../../src/district/district-service.js';
import type { RunningNatsCluster } from '../helpers/nats-cluster.js';
import type { RunningPostgres } from '../helpers/postgres.js';

export const DISTRICT_USERS = [
  { name: 'chief', password: 'chief-password-1', role: 'officer' as const, displayName: '街道值班员' },
  { name: 'clerk', password: 'clerk-password-1', role: 'viewer' as const },
];

export function districtConfig(cluster: RunningNatsCluster, postgres: RunningPostgres, sites: readonly string[], extra: Record<string, unknown> = {}): DistrictConfig {
  return parseDistrictConfig({
    nats: { servers: cluster.urls, user: cluster.district.user, password: cluster.district.password, replicas: 3 },
    postgres: { url: postgres.url },
    http: { host: '127.0.0.1', port: 0 },
    users: DISTRICT_USERS,
    sites: sites.map((id) => ({ id, name: `小区 ${id}` })),
    log: { level: 'silent', pretty: false },
    ...extra,
  });
}

export async function startDistrict(config: DistrictConfig): Promise<DistrictService> {
  const service = new DistrictService({ config, log: silentLogger(), staticDir: WEB_DIST });
  await service.start();
  return service;
}

/** The gateway config fragment that turns on a site's uplink to the test cluster. */
export function uplinkConfig(cluster: RunningNatsCluster, site: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const creds = cluster.sites[site]!;
  return { site: { id: site, name: `小区 ${site}` }, uplink: { enabled: true, servers: cluster.urls, user: creds.user, password: creds.password, ...extra } };
}

export async function pgCount(url: string, sql: string, params: unknown[] = []): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(sql, params);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

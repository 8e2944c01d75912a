/**
 * nats-server configuration for the district tier: one file per node of a JetStream cluster, one
 * account (`DISTRICT`) holding the district service's user and one user per site. A site may
 * publish only under `site.<id>.>` and read only its own notices consumer (see docs/district.md).
 */

/** The stream the sites publish into, and the one that carries notices down to them. */
export const SITES_STREAM = 'SITES';
export const NOTICES_STREAM = 'NOTICES';
/** The audio of clip notices, in numbered chunks (`clip.<clip id>.<n>`), read by the sites with direct gets. */
export const CLIPS_STREAM = 'CLIPS';

export function clipChunkSubject(clipId: string, index: number): string {
  return `clip.${clipId}.${index}`;
}

/** The durable consumer of the NOTICES stream that belongs to one site. */
export function noticeConsumerName(siteId: string): string {
  return `notices-${siteId}`;
}

export interface NatsUser {
  user: string;
  password: string;
  /** undefined: everything (the district service). */
  permissions?: { publish: { allow: string[] }; subscribe: { allow: string[] } };
}

/** What a site's gateway may do on the district cluster, and nothing more. */
export function siteUser(siteId: string, password: string): NatsUser {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(siteId)) throw new Error(`site id "${siteId}" must be lower-case letters, digits and dashes`);
  const consumer = noticeConsumerName(siteId);
  return {
    user: `site-${siteId}`,
    password,
    permissions: {
      publish: {
        allow: [
          `site.${siteId}.>`,
          `$JS.API.CONSUMER.INFO.${NOTICES_STREAM}.${consumer}`,
          `$JS.API.CONSUMER.MSG.NEXT.${NOTICES_STREAM}.${consumer}`,
          `$JS.ACK.${NOTICES_STREAM}.${consumer}.>`,
          // the chunks of a clip a notice names (direct get of the last message on a chunk's subject)
          `$JS.API.DIRECT.GET.${CLIPS_STREAM}.clip.>`,
        ],
      },
      subscribe: { allow: ['_INBOX.>'] },
    },
  };
}

export interface NatsNodeOptions {
  name: string;
  host: string;
  port: number;
  clusterName: string;
  clusterPort: number;
  /** Cluster ports of the other nodes. */
  routes: ReadonlyArray<{ host: string; port: number }>;
  storeDir: string;
  users: readonly NatsUser[];
  /** Password of the system account's user (`sys`), for monitoring. */
  systemPassword: string;
  tls?: { certFile: string; keyFile: string } | undefined;
  maxFileStore?: string;
}

const quote = (s: string) => JSON.stringify(s);

function renderUser(u: NatsUser): string {
  const perms = u.permissions
    ? `, permissions: { publish: { allow: [${u.permissions.publish.allow.map(quote).join(', ')}] }, subscribe: { allow: [${u.permissions.subscribe.allow.map(quote).join(', ')}] } }`
    : '';
  return `      { user: ${quote(u.user)}, password: ${quote(u.password)}${perms} }`;
}

/** One node's nats-server.conf (nats-server 2.9 syntax). */
export function renderNatsNodeConfig(o: NatsNodeOptions): string {
  return [
    `server_name: ${quote(o.name)}`,
    `listen: "${o.host}:${o.port}"`,
    'max_payload: 1MB',
    ...(o.tls ? [`tls { cert_file: ${quote(o.tls.certFile)}, key_file: ${quote(o.tls.keyFile)} }`] : []),
    `jetstream { store_dir: ${quote(o.storeDir)}, max_memory_store: 64MB, max_file_store: ${o.maxFileStore ?? '2GB'} }`,
    'cluster {',
    `  name: ${quote(o.clusterName)}`,
    `  listen: "${o.host}:${o.clusterPort}"`,
    `  routes: [${o.routes.map((r) => quote(`nats-route://${r.host}:${r.port}`)).join(', ')}]`,
    '}',
    'accounts {',
    '  DISTRICT {',
    '    jetstream: enabled',
    '    users: [',
    o.users.map(renderUser).join(',\n'),
    '    ]',
    '  }',
    `  SYS { users: [ { user: "sys", password: ${quote(o.systemPassword)} } ] }`,
    '}',
    'system_account: SYS',
    '',
  ].join('\n');
}

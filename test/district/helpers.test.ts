import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { alive } from '../helpers/processes.js';
import { startNatsCluster } from '../helpers/nats-cluster.js';
import { startPostgres } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';

describe('district test helpers', () => {
  it('a 3-node JetStream cluster keeps a replicated stream through one node kill and restart, and leaves no process', async () => {
    const cluster = await startNatsCluster(['alpha']);
    const pids = cluster.nodes.map((n) => n.pid!);
    try {
      const nc = await connect({ servers: cluster.urls, user: cluster.district.user, pass: cluster.district.password });
      try {
        const jsm = await waitFor(async () => {
          const m = await jetstreamManager(nc);
          await m.streams.add({ name: 'T', subjects: ['site.>'], num_replicas: 3 });
          return m;
        }, 20_000, 'a JetStream meta leader');
        const js = jetstream(nc);
        await js.publish('site.alpha.entry', 'one', { msgID: 'alpha/entry/1' });
        await cluster.kill(0);
        expect(alive(pids[0]!)).toBe(false);
        // the two others keep the stream (RAFT majority)
        const ack = await waitFor(() => js.publish('site.alpha.entry', 'two', { msgID: 'alpha/entry/2' }).catch(() => undefined), 20_000, 'a publish ack without n1');
        expect(ack.seq).toBe(2);
        const dup = await js.publish('site.alpha.entry', 'two', { msgID: 'alpha/entry/2' });
        expect(dup.duplicate).toBe(true);
        await cluster.restart(0);
        expect((await jsm.streams.info('T')).state.messages).toBe(2);
      } finally {
        await nc.close();
      }
    } finally {
      await cluster.stop();
    }
    for (const pid of pids) expect(alive(pid)).toBe(false);
  }, 60_000);

  it('a throwaway PostgreSQL answers queries and is gone after stop', async () => {
    const server = await startPostgres();
    const pid = server.pid!;
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query<{ v: string }>('SELECT version() AS v');
      expect(rows[0]!.v).toMatch(/PostgreSQL 15/);
      await client.end();
    } finally {
      await server.stop();
    }
    expect(alive(pid)).toBe(false);
  }, 60_000);
});

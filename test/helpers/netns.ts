import { execFileSync } from 'node:child_process';
import { X509Certificate, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_PATH } from './browser.js';

/**
 * A network namespace joined to this host by a veth pair on a private /30 (10.2xx.x.0/30): the host
 * side has `hostAddress`, the namespace `peerAddress`. A server bound to `hostAddress` is reached
 * from inside the namespace over a non-loopback address, as a guard-room PC reaches the gateway on
 * the LAN, without any real LAN address being involved.
 */
export interface TestNetns {
  name: string;
  hostAddress: string;
  peerAddress: string;
  /** A Chromium launcher that runs Debian's Chromium inside the namespace (for playwright's executablePath). */
  chromiumLauncher(options?: { trustedCaPem?: string }): string;
  remove(): void;
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 });
}

/** Why a namespace cannot be made here (not root, no `ip`), or undefined when it can. */
export function netnsUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces exist only on Linux';
  if (process.getuid?.() !== 0) return 'making a network namespace needs root';
  const probe = `cgprobe${randomBytes(3).toString('hex')}`;
  try {
    ip(['netns', 'add', probe]);
    ip(['netns', 'del', probe]);
    return undefined;
  } catch (err) {
    return `ip netns add failed: ${String((err as Error).message).split('\n')[0]}`;
  }
}

export function createNetns(): TestNetns {
  const id = randomBytes(3).toString('hex');
  const name = `cg-${id}`;
  const hostIf = `cgh${id}`;
  const peerIf = `cgp${id}`;
  const routes = ip(['-4', 'route', 'show']);
  let subnet = '';
  for (let attempt = 0; attempt < 20 && !subnet; attempt++) {
    const candidate = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 256)}`;
    if (!routes.includes(`${candidate}.`)) subnet = candidate;
  }
  if (!subnet) throw new Error('no free private /30 for the test namespace');
  const hostAddress = `${subnet}.1`;
  const peerAddress = `${subnet}.2`;
  const etcDir = join('/etc/netns', name);
  const launchers: string[] = [];
  const remove = () => {
    for (const dir of launchers) rmSync(dir, { recursive: true, force: true });
    try { ip(['link', 'del', hostIf]); } catch { /* gone with the namespace */ }
    try { ip(['netns', 'del', name]); } catch { /* already gone */ }
    rmSync(etcDir, { recursive: true, force: true });
  };
  try {
    ip(['netns', 'add', name]);
    ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', peerIf]);
    ip(['link', 'set', peerIf, 'netns', name]);
    ip(['addr', 'add', `${hostAddress}/30`, 'dev', hostIf]);
    ip(['link', 'set', hostIf, 'up']);
    ip(['-n', name, 'addr', 'add', `${peerAddress}/30`, 'dev', peerIf]);
    ip(['-n', name, 'link', 'set', peerIf, 'up']);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
    // A default route, so that Chromium in there sees a network that is up and stays as it is.
    ip(['-n', name, 'route', 'add', 'default', 'via', hostAddress]);
  } catch (err) {
    remove();
    throw err;
  }
  return {
    name,
    hostAddress,
    peerAddress,
    chromiumLauncher(options = {}) {
      if (options.trustedCaPem) {
        // `ip netns exec` mounts /etc/netns/<name>/chromium over /etc/chromium for the processes it
        // runs: Chromium there (and only there) reads a managed policy that trusts the test CA.
        const chromiumEtc = join(etcDir, 'chromium');
        mkdirSync(join(chromiumEtc, 'policies', 'managed'), { recursive: true });
        if (existsSync('/etc/chromium/master_preferences')) copyFileSync('/etc/chromium/master_preferences', join(chromiumEtc, 'master_preferences'));
        const der = new X509Certificate(options.trustedCaPem).raw.toString('base64');
        writeFileSync(join(chromiumEtc, 'policies', 'managed', 'test-ca.json'), JSON.stringify({ CACertificates: [der] }));
      }
      const dir = mkdtempSync(join(tmpdir(), 'cg-netns-chromium-'));
      launchers.push(dir);
      const launcher = join(dir, 'chromium');
      writeFileSync(launcher, `#!/bin/sh\nexec ip netns exec ${name} ${CHROMIUM_PATH} "$@"\n`);
      chmodSync(launcher, 0o755);
      return launcher;
    },
    remove,
  };
}

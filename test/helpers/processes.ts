import { readdirSync, readFileSync } from 'node:fs';

/** Parent pid and command line of every process, read from /proc (Linux). */
function processTable(): Array<{ pid: number; ppid: number; cmdline: string }> {
  const out: Array<{ pid: number; ppid: number; cmdline: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      out.push({ pid: Number(name), ppid, cmdline });
    } catch {
      // gone while we looked
    }
  }
  return out;
}

/** Every process below `pid` (children, their children, ...), with its command line. */
export function descendants(pid: number): Array<{ pid: number; cmdline: string }> {
  const table = processTable();
  const found: Array<{ pid: number; cmdline: string }> = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const p of table) {
      if (p.ppid === parent) {
        found.push({ pid: p.pid, cmdline: p.cmdline });
        queue.push(p.pid);
      }
    }
  }
  return found;
}

/** Whether a process still exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

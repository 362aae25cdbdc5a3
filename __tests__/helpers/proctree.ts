/**
 * Watch a process and everything it spawns while it runs, reading each one's argv from
 * /proc/<pid>/cmdline (Linux), so a test can check that no secret is ever on a command line.
 */
import * as fs from 'node:fs';

export interface SeenProcess {
  pid: number;
  argv: string[];
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function argvOf(pid: number): string[] | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw ? raw.replace(/\0$/, '').split('\0') : undefined;
  } catch {
    return undefined;
  }
}

/** The process and its descendants right now. */
export function processTree(root: number): SeenProcess[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const ppid = parentOf(pid);
    if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: SeenProcess[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    const argv = argvOf(pid);
    if (argv) out.push({ pid, argv });
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Poll the tree every `everyMs` until stop() is called; returns every (pid, argv) seen. */
export function watchTree(root: number, everyMs = 10): { stop(): SeenProcess[] } {
  const seen = new Map<string, SeenProcess>();
  const poll = () => {
    for (const p of processTree(root)) seen.set(`${p.pid}:${p.argv.join('\0')}`, p);
  };
  poll();
  const timer = setInterval(poll, everyMs);
  return {
    stop() {
      clearInterval(timer);
      poll();
      return [...seen.values()];
    },
  };
}

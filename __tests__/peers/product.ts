/**
 * Drive the BUILT deploy-login CLI (helpers/dist.ts) against real peers, in a temp HOME, and record
 * what each real deploy tool did under `deploy-login run`: success (0), needs-login (3),
 * deploy-failed (4). Every failure is also classified by peers/toolMessages.ts from the same
 * output, so the product's classifier (src/core/run.ts) is checked against the harness's facts.
 * `printOutcomes()` (afterAll) prints one line per tool: `tool: success / needs-login / deploy-failed`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addCanary } from '../helpers/canary';
import { runCli, type ProcResult } from '../helpers/dist';
import { toolEnv } from './common';
import { classifyToolFailure } from './toolMessages';

export type Outcome = 'success' | 'needs-login' | 'deploy-failed';
const OUTCOME_OF: Record<number, Outcome> = { 0: 'success', 3: 'needs-login', 4: 'deploy-failed' };

const seen = new Map<string, Set<Outcome>>();

/** The summary lines, one per tool driven in this file. */
export function outcomeLines(): string[] {
  const all: Outcome[] = ['success', 'needs-login', 'deploy-failed'];
  return [...seen.entries()].map(
    ([tool, got]) => `${tool}: ${all.map((o) => (got.has(o) ? o : `(no ${o})`)).join(' / ')}`,
  );
}

export function printOutcomes(title: string): void {
  if (seen.size) console.log(`${title}\n${outcomeLines().join('\n')}`);
}

export interface Product {
  home: string;
  store: string;
  /** The environment every CLI call and the deploy tool get: toolEnv(home) + the store + `extra`. */
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  /** `allowCanaries`: only for commands that print a token on purpose (`env`, `token`). */
  cli(
    args: string[],
    opts?: { stdin?: string; env?: Record<string, string | undefined>; allowCanaries?: boolean },
  ): Promise<ProcResult>;
  /** `deploy-login login ...`; asserts exit 0 and registers the stored token as a canary. */
  login(
    args: string[],
    opts?: { stdin?: string; env?: Record<string, string | undefined> },
  ): Promise<ProcResult>;
  /** The stored entry of a target (tests only: reads the store file). */
  stored(target: string): { token: string; files: Array<{ format: string; path: string }> } | undefined;
  /**
   * `deploy-login run --json --target T -- CMD...`; asserts the exit code, that the output
   * classification agrees with toolMessages.ts for failures, and records the outcome for `tool`.
   */
  run(
    tool: string,
    target: string,
    command: string[],
    expected: Outcome,
    opts?: { env?: Record<string, string | undefined>; cwd?: string; label?: string },
  ): Promise<ProcResult & { commandExitCode: number | null }>;
}

export function product(home: string, base: Record<string, string | undefined> = {}): Product {
  const store = path.join(home, 'deploy-login', 'credentials.json');
  const env = (extra: Record<string, string | undefined> = {}) =>
    toolEnv(home, { DEPLOY_LOGIN_CONFIG: store, NO_COLOR: '1', ...base, ...extra });
  const stored: Product['stored'] = (target) => {
    if (!fs.existsSync(store)) return undefined;
    return JSON.parse(fs.readFileSync(store, 'utf8')).targets?.[target];
  };
  const cli: Product['cli'] = (args, opts = {}) =>
    runCli(args, {
      env: env(opts.env),
      stdin: opts.stdin,
      timeoutMs: 60_000,
      allowCanaries: opts.allowCanaries,
    });
  return {
    home,
    store,
    env,
    cli,
    stored,
    async login(args, opts = {}) {
      const r = await cli(['login', ...args], opts);
      const ctx = `login ${args.join(' ')} exit=${String(r.code)}\n${r.stderr}\n${r.stdout}`;
      expect({ code: r.code, ctx }).toEqual({ code: 0, ctx });
      const target = args[args.indexOf('--target') + 1];
      const t = target ? stored(target)?.token : undefined;
      if (t) addCanary(t);
      return r;
    },
    async run(tool, target, command, expected, opts = {}) {
      const r = await runCliIn(
        opts.cwd,
        ['run', '--json', '--target', target, '--', ...command],
        env(opts.env),
      );
      const ctx = `${opts.label ?? tool}: deploy-login run exit=${String(r.code)}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`;
      const expectedCode = { success: 0, 'needs-login': 3, 'deploy-failed': 4 }[expected];
      if (r.code !== expectedCode) throw new Error(`expected exit ${expectedCode}, got: ${ctx}`);
      let commandExitCode: number | null = null;
      const last = r.stdout.trim().split('\n').pop() ?? '';
      if (last.startsWith('{')) {
        const c = (JSON.parse(last) as { commandExitCode?: unknown }).commandExitCode;
        if (typeof c === 'number') commandExitCode = c;
      }
      if (expected !== 'success' && commandExitCode !== null) {
        // The harness's own record of what this tool prints must say the same.
        expect({ harness: classifyToolFailure(tool, commandExitCode, r.stderr + r.stdout), ctx }).toEqual({
          harness: expected,
          ctx,
        });
      }
      const outcome = OUTCOME_OF[r.code ?? -1];
      if (outcome) {
        const key = opts.label ?? tool;
        if (!seen.has(key)) seen.set(key, new Set());
        seen.get(key)!.add(outcome);
      }
      return { ...r, commandExitCode };
    },
  };
}

/** runCli with a working directory (npm publish and git push run inside their project). */
function runCliIn(cwd: string | undefined, args: string[], env: NodeJS.ProcessEnv): Promise<ProcResult> {
  return runCli(args, { env, cwd, timeoutMs: 60_000 });
}

export const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Write a file (parents 0700) with a mode, for pre-populated tool files. */
export function writeFile(file: string, text: string, mode = 0o600): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, text, { mode });
  return file;
}

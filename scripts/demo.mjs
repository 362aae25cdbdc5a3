#!/usr/bin/env node
/**
 * `npm run demo`: deploy-login end to end on this machine, with nothing but Node.
 *
 * 1. Starts the dev target (dev/target.mjs): a local token service, GitHub OIDC stand-in and deploy API.
 * 2. Runs the bundled Action (dist/main, then dist/post) the way a GitHub runner does: inputs as
 *    INPUT_* variables, GITHUB_OUTPUT/GITHUB_STATE/GITHUB_ENV/GITHUB_PATH files, the post step with
 *    the state the main step saved. Once with a password (and a deploy command), once with OIDC.
 * 3. Runs the CLI's `run` wrapper: a deploy that succeeds (exit 0), one that fails (4), and the same
 *    deploy after `logout` (3: needs login, and the deploy command is never started).
 * 4. Prints a table of what happened, cleans up, and exits non-zero if anything differed.
 *
 * Plain ESM with Node built-ins only, so it runs right after `npm ci`. DEPLOY_LOGIN_DIST points it
 * at another build than dist/.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.resolve(ROOT, process.env.DEPLOY_LOGIN_DIST ?? 'dist');
const CLI = path.join(DIST, 'cli', 'index.js');
const DEPLOY = path.join(ROOT, 'dev', 'deploy.mjs');
const NODE = process.execPath;

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
const bold = (t) => paint(1, t);
const dim = (t) => paint(2, t);
const green = (t) => paint(32, t);
const red = (t) => paint(31, t);

const say = (line = '') => process.stdout.write(line + '\n');
const heading = (text) => say(`\n${bold(`== ${text}`)}`);

/** Every check the demo makes, for the closing table. */
const results = [];

function record(what, expected, got, note = '') {
  const ok = expected === got;
  results.push({ what, expected, got, ok, note });
  say(
    `   ${ok ? green('✓') : red('✗')} ${what}: exit ${got}${ok ? '' : ` (expected ${expected})`}${note ? dim(`  ${note}`) : ''}`,
  );
  return ok;
}

/** Run a process, show its output indented (masking what the runner would mask), return code + output. */
function run(cmd, args, { env, stdin, mask = [] } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    if (stdin !== undefined) child.stdin.end(stdin);
    child.on('error', reject);
    child.on('close', (code) => {
      // Like the runner: ::add-mask:: lines are swallowed, and their values never shown.
      const masks = [...mask, ...[...stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1])].filter(
        Boolean,
      );
      // ::debug:: lines are hidden unless step debugging is on.
      let shown = (stdout.replace(/^::(add-mask|debug)::.*\n?/gm, '') + stderr).trimEnd();
      for (const m of masks.sort((a, b) => b.length - a.length)) shown = shown.split(m).join('***');
      if (shown)
        say(
          shown
            .split('\n')
            .map((l) => dim('   │ ') + l)
            .join('\n'),
        );
      resolve({ code, stdout, stderr });
    });
  });
}

/** The runner's file-command format: `name=value` or `name<<DELIM` ... `DELIM`. */
function readFileCommands(file) {
  const out = {};
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const value = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      out[heredoc[1]] = value.join('\n');
    } else if (lines[i].includes('=')) {
      out[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
    }
  }
  return out;
}

/** A minimal, clean environment: nothing from the machine's own CI or proxy settings leaks in. */
function cleanEnv(extra) {
  const env = { NO_COLOR: '1' };
  for (const k of ['PATH', 'LANG', 'TZ', 'TMPDIR', 'SYSTEMROOT']) if (process.env[k]) env[k] = process.env[k];
  return { ...env, ...extra };
}

async function startTarget(password) {
  const child = spawn(NODE, [path.join(ROOT, 'dev', 'target.mjs'), '--exit-on-stdin-close'], {
    env: { ...process.env, DEV_TARGET_PASSWORD: password },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const info = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error('the dev target printed no ready line within 10 s')),
      10_000,
    );
    child.stdout.on('data', (c) => {
      buf += c;
      if (!buf.includes('\n')) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buf.slice(0, buf.indexOf('\n'))));
      } catch (err) {
        reject(err);
      }
    });
    child.once('exit', (code) => reject(new Error(`the dev target exited early (code ${code})`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  const control = async (method, route) => {
    const res = await fetch(`${info.url}${route}`, { method });
    return res.json();
  };
  return {
    ...info,
    log: async () => (await control('GET', '/_control/log')).requests,
    reset: () => control('POST', '/_control/reset'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(info.pid, 'SIGTERM');
      await exited;
    },
  };
}

/** One job of the Action: main, then post with the state main saved, as the runner does. */
async function actionJob(title, short, tmp, inputs, extraEnv = {}) {
  heading(`Action: ${title}`);
  const dir = fs.mkdtempSync(path.join(tmp, 'job-'));
  const files = {};
  for (const name of ['output', 'state', 'env', 'path', 'summary']) {
    files[name] = path.join(dir, name);
    fs.writeFileSync(files[name], '');
  }
  const home = path.join(dir, 'home');
  const runnerTemp = path.join(dir, 'runner-temp');
  fs.mkdirSync(home);
  fs.mkdirSync(runnerTemp);
  const env = cleanEnv({
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    HOME: home,
    RUNNER_TEMP: runnerTemp,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STEP_SUMMARY: files.summary,
    ...extraEnv,
  });
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const shownInputs = Object.entries(inputs)
    .map(([k, v]) => `${k}: ${k === 'password' ? '${{ secrets.DEPLOY_PASSWORD }}' : v}`)
    .join(', ');
  say(dim(`   with: ${shownInputs}`));

  const main = await run(NODE, [path.join(DIST, 'main', 'index.js')], { env });
  const outputs = readFileCommands(files.output);
  const exported = readFileCommands(files.env);
  say(
    dim(
      `   outputs: outcome=${outputs.outcome} exit-code=${outputs['exit-code']} expires-at=${outputs['expires-at'] || '-'} token=${outputs.token ? '*** (masked)' : '-'}`,
    ),
  );
  const store = outputs['credentials-file'];
  const storeMode = store && fs.existsSync(store) ? (fs.statSync(store).mode & 0o777).toString(8) : 'none';
  const onPath = fs.readFileSync(files.path, 'utf8').trim();
  say(
    dim(
      `   store: ${store ?? '-'} (mode ${storeMode}); DEPLOY_LOGIN_CONFIG exported: ${exported.DEPLOY_LOGIN_CONFIG ? 'yes' : 'no'}; CLI on PATH: ${onPath ? 'yes' : 'no'}`,
    ),
  );
  const mainOk = record(`Action main step: ${short}`, 0, main.code, outputs.outcome ?? '');

  const postEnv = { ...env };
  for (const [k, v] of Object.entries(readFileCommands(files.state))) postEnv[`STATE_${k}`] = v;
  const post = await run(NODE, [path.join(DIST, 'post', 'index.js')], {
    env: postEnv,
    mask: [outputs.token],
  });
  const leftovers = store && fs.existsSync(store) ? 'store left behind!' : 'store and files removed';
  record(`Action post step: ${short} cleanup`, 0, store && fs.existsSync(store) ? -1 : post.code, leftovers);
  return mainOk;
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-login-demo-'));
  const password = `demo-${randomBytes(9).toString('base64url')}`;
  let target;
  const stop = async () => {
    await target?.stop().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    if (!fs.existsSync(CLI))
      throw new Error(`${path.relative(ROOT, CLI)} is missing: run "npm run build" first.`);
    say(
      bold('deploy-login demo') +
        dim(`  (Node ${process.version}, bundle ${path.relative(ROOT, DIST) || '.'}/)`),
    );
    target = await startTarget(password);
    say(
      dim(
        `dev target listening on ${target.url} (pid ${target.pid}); user ci-deployer, password from a "secret"`,
      ),
    );

    // ---- The Action, as a runner runs it ----
    await actionJob('password login + run a deploy', 'password + run', tmp, {
      url: target.url,
      username: 'ci-deployer',
      password,
      format: 'spin',
      run: `"${NODE}" "${DEPLOY}" --url ${target.url}`,
    });
    await actionJob(
      'OIDC login (permissions: id-token: write)',
      'OIDC',
      tmp,
      { url: target.url, method: 'oidc' },
      // What the runner sets for a job with `id-token: write`; here the dev target plays GitHub.
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: target.idTokenRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: target.idTokenRequestToken,
      },
    );

    // ---- The CLI's run wrapper, as any CI script or laptop uses it ----
    const cliEnv = cleanEnv({
      HOME: path.join(tmp, 'cli-home'),
      DEPLOY_LOGIN_CONFIG: path.join(tmp, 'cli-home', 'deploy-login', 'credentials.json'),
    });
    fs.mkdirSync(cliEnv.HOME);
    const cli = (args, opts = {}) => {
      say(
        dim(
          `   $ deploy-login ${args.map((a) => (a === NODE ? 'node' : a === DEPLOY ? 'dev/deploy.mjs' : a)).join(' ')}`,
        ),
      );
      return run(NODE, [CLI, ...args], { env: cliEnv, mask: [password], ...opts });
    };
    const deployArgs = (...flags) => ['run', '--', NODE, DEPLOY, ...flags];

    heading('CLI: log in, then wrap the deploy with `deploy-login run`');
    const login = await cli(['login', '--url', target.url, '--username', 'ci-deployer', '--password-stdin'], {
      stdin: password,
    });
    record('CLI login (password on stdin)', 0, login.code);

    heading('CLI: a deploy that succeeds');
    record('CLI run: deploy succeeds', 0, (await cli(deployArgs())).code, 'success');

    heading('CLI: a deploy that fails (the target answers HTTP 500)');
    record('CLI run: deploy fails', 4, (await cli(deployArgs('--fail'))).code, 'deploy-failed');

    heading('CLI: the same deploy after logout');
    record('CLI logout', 0, (await cli(['logout'])).code);
    await target.reset();
    const after = await cli(deployArgs());
    const deploysSent = (await target.log()).filter((r) => r.path === '/api/deploy').length;
    record(
      'CLI run after logout (not run)',
      3,
      deploysSent === 0 ? after.code : -1,
      `needs-login; deploy requests the target saw: ${deploysSent}`,
    );
  } catch (err) {
    results.push({ what: `demo aborted: ${err.message}`, expected: 0, got: 1, ok: false, note: '' });
    say(red(`\ndemo aborted: ${err.message}`));
  } finally {
    await stop();
  }

  heading('Summary');
  const width = Math.max(...results.map((r) => r.what.length), 4);
  say(`   ${'What'.padEnd(width)}  Expected  Got  Result`);
  say(`   ${'-'.repeat(width)}  --------  ---  ------`);
  for (const r of results) {
    say(
      `   ${r.what.padEnd(width)}  ${String(r.expected).padStart(8)}  ${String(r.got).padStart(3)}  ${r.ok ? green('ok') : red('DIFFERENT')}`,
    );
  }
  say(
    '\n   Exit codes: 0 success · 2 invalid input · 3 needs login · 4 deploy failed · 5 target unavailable',
  );
  say(
    '   In a workflow: `uses: OWNER/deploy-login@v1`, then `deploy-login run -- <your deploy>` in a later step;',
  );
  say('   react to `steps.<id>.outputs.exit-code` (3 = log in again, 4 = the deploy itself failed).');
  const failed = results.filter((r) => !r.ok).length;
  say(
    failed
      ? red(`\n${failed} outcome(s) differed from what was expected.`)
      : green('\nAll outcomes as expected.'),
  );
  process.exitCode = failed ? 1 : 0;
}

await main();

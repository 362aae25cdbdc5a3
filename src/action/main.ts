import * as core from './runner.js';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { createContext, type CoreContext } from '../core/context.js';
import { EXIT_CODES, toFailure, type Outcome } from '../core/errors.js';
import { login, type LoginResult } from '../core/login.js';
import type { RunResult } from '../core/run.js';
import { SecretRegistry } from '../core/redact.js';
import { deployEnv } from '../core/session.js';
import { withSpinEnvironment } from '../core/spin-env.js';
import { actionLabel, allowsPlainHttp, resolveTarget } from '../core/target.js';
import { splitCommand } from './argv.js';
import { actionsIdToken, requireIdTokenPermission } from './idtoken.js';
import { parseTimeout, readInputs, SECRET_INPUTS } from './inputs.js';
import { writeSummary, type SummaryRow } from './summary.js';

/** State the post step reads: what to undo. */
export interface PostState {
  storePath: string;
  targets: string[];
  binDir?: string;
  cleanup: boolean;
}

async function main(): Promise<void> {
  // Mask first: nothing below may print a secret input, even in an error.
  for (const name of SECRET_INPUTS) {
    const v = core.getInput(name);
    if (v) core.setSecret(v);
  }
  const secrets = new SecretRegistry();
  secrets.onAdd((s) => core.setSecret(s));
  let outcome: Outcome = 'success';
  let exitCode = 0;
  let result: LoginResult | undefined;
  let run: RunResult | undefined;
  // The job summary's rows; the `targets` path fills them itself.
  let rows: SummaryRow[] | undefined;
  const state: PostState = { storePath: '', targets: [], cleanup: true };
  try {
    const inputs = readInputs((n) => core.getInput(n));
    state.cleanup = inputs.cleanup;
    // protocol fermyon: Spin's own variables (SPIN_AUTH_TOKEN, HIPPO_*, CLOUD_URL) fill empty inputs.
    const spin = inputs.targetsYaml
      ? { input: inputs.target, creds: inputs.creds, defaultUrl: undefined }
      : withSpinEnvironment(
          inputs.target,
          inputs.creds,
          process.env,
          actionLabel,
          allowsPlainHttp(process.env),
        );
    inputs.target = spin.input;
    inputs.creds = spin.creds;
    for (const s of Object.values(inputs.creds)) secrets.add(s);
    const ctx = createContext({
      secrets,
      log: (l) => core.info(secrets.redact(l)),
      warn: (l) => core.warning(secrets.redact(l)),
    });
    // GitHub's OIDC token through the same client: one retry budget, retries logged.
    ctx.idToken = actionsIdToken(process.env, ctx.http);
    state.storePath = ctx.storePath;
    if (inputs.targetsYaml) {
      const { loginMany } = await import('./many.js');
      const many = await loginMany(inputs, ctx, state);
      outcome = many.outcome;
      exitCode = EXIT_CODES[outcome];
      rows = many.rows;
      if (many.anyLoggedIn) state.binDir = await putCliOnPath(ctx);
      return;
    }
    if (inputs.target.protocol === 'json' || Object.values(inputs.json).some(Boolean)) {
      // protocol json: the recipe and json-* inputs become the target's stored settings.
      const { prepareJsonTarget, actionJsonLabel } = await import('../core/protocols/json-config.js');
      inputs.target = prepareJsonTarget(inputs.target, inputs.json, actionJsonLabel);
    }
    const spec = resolveTarget(inputs.target, inputs.creds, {
      label: actionLabel,
      defaultUrl: spin.defaultUrl,
      allowHttp: allowsPlainHttp(process.env),
    });
    if (spec.method === 'oidc') requireIdTokenPermission(process.env);
    const command = inputs.run ? splitCommand(inputs.run) : [];
    const timeoutMs = parseTimeout(inputs.timeout);
    result = await login(spec, inputs.creds, ctx);
    state.targets.push(result.target);
    publish(result, ctx);
    state.binDir = await putCliOnPath(ctx);
    if (command.length) {
      // Loaded only with `run`: most logins never start a command.
      const { runDeploy } = await import('../core/run.js');
      run = await runDeploy({
        command,
        env: process.env,
        childEnv: { ...result.variables, ...deployEnv(result.target, result, ctx.storePath) },
        timeoutMs,
        stdout: (t) => process.stdout.write(secrets.redact(t)),
        stderr: (t) => process.stderr.write(secrets.redact(t)),
        redact: (t) => secrets.redact(t),
      });
      outcome = run.outcome;
      exitCode = run.exitCode;
      core.setOutput('command-exit-code', run.commandExitCode ?? '');
      if (run.exitCode !== 0) {
        core.error(
          run.outcome === 'needs-login'
            ? `The deploy command was refused for authentication (${run.reason}): needs login.`
            : `The deploy command failed (exit ${run.commandExitCode ?? run.signal}): deploy failed.`,
        );
      }
      if (inputs.githubDeployment) {
        const { recordDeployments } = await import('./deployments.js');
        await recordDeployments(
          [{ target: result.target, url: result.url, outcome }],
          secrets,
          inputs.githubToken,
        );
      }
    }
  } catch (err) {
    const f = toFailure(err);
    outcome = f.outcome;
    exitCode = f.exitCode;
    core.error(secrets.redact(f.message));
    if (f.stack) core.debug(secrets.redact(f.stack));
  } finally {
    core.setOutput('outcome', outcome);
    core.setOutput('exit-code', String(exitCode));
    core.saveState('deploy-login', JSON.stringify(state));
    await writeSummary(rows ?? (result ? [{ result, outcome, run }] : []), outcome, secrets).catch(
      () => undefined,
    );
    process.exitCode = exitCode;
  }
}

function publish(r: LoginResult, ctx: CoreContext): void {
  core.setOutput('target', r.target);
  core.setOutput('expires-at', r.expiresAt ?? '');
  core.setOutput('credentials-file', r.storePath);
  core.setOutput('token', r.token);
  core.exportVariable('DEPLOY_LOGIN_CONFIG', ctx.storePath);
  for (const [k, v] of Object.entries(r.variables)) core.exportVariable(k, v);
}

/** A `deploy-login` on PATH for later steps, run by the same Node that runs this action. */
async function putCliOnPath(ctx: CoreContext): Promise<string | undefined> {
  const entry = process.argv[1];
  if (!entry) return undefined;
  const cli = path.resolve(path.dirname(entry), '..', 'cli', 'index.js');
  const binDir = path.join(path.dirname(ctx.storePath), 'bin');
  await fs.mkdir(binDir, { recursive: true, mode: 0o700 });
  const sh = `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`;
  await fs.writeFile(path.join(binDir, 'deploy-login'), sh, { mode: 0o755 });
  if (process.platform === 'win32') {
    await fs.writeFile(path.join(binDir, 'deploy-login.cmd'), `@"${process.execPath}" "${cli}" %*\r\n`);
  }
  core.addPath(binDir);
  return binDir;
}

void main();

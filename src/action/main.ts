import * as core from './runner.js';
import path from 'node:path';
import { createContext } from '../core/context.js';
import { homeOf } from '../core/home.js';
import { EXIT_CODES, toFailure, type Outcome } from '../core/errors.js';
import { login, type LoginResult } from '../core/login.js';
import type { RunResult } from '../core/run.js';
import { SecretRegistry } from '../core/redact.js';
import { deployEnv } from '../core/session.js';
import { withSpinEnvironment } from '../core/spin-env.js';
import { storePath } from '../core/store.js';
import { actionLabel, allowsPlainHttp, resolveTarget } from '../core/target.js';
import { isTargetName } from '../core/text.js';
import { splitCommand } from './argv.js';
import { actionsIdToken, requireIdTokenPermission } from './idtoken.js';
import { parseTimeout, readInputs, SECRET_INPUTS } from './inputs.js';
import { writeLauncher } from './launcher.js';
import { writeSummary, type SummaryRow } from './summary.js';

/** State the post step reads: what to undo. */
export interface PostState {
  storePath: string;
  targets: string[];
  /** The launcher directory this step created (launcher.ts); the post step removes only that. */
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
  // What the step was logging in to, once known: a failed login still gets its row in the summary.
  let attempted: SummaryRow['result'] | undefined;
  let failure: string | undefined;
  let run: RunResult | undefined;
  // The job summary's rows; the `targets` path fills them itself.
  let rows: SummaryRow[] | undefined;
  // Known before anything can fail, so a failed step still tells the workflow where the store is.
  const state: PostState = {
    storePath: storePath(process.env, homeOf(process.env)),
    targets: [],
    cleanup: true,
  };
  const many = Boolean(core.getInput('targets'));
  // With `targets`, a JSON array on every path (even when the list is refused): fromJSON() must not break.
  let results: unknown[] | undefined = many ? [] : undefined;
  // The single target's name, when valid, so a failed step still says which; `targets` sets its own.
  const typedName = core.getInput('target') || 'default';
  let targetName = !many && isTargetName(typedName) ? typedName : undefined;
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
      storePath: state.storePath,
      secrets,
      log: (l) => core.info(secrets.redact(l)),
      warn: (l) => core.warning(secrets.redact(l)),
    });
    // GitHub's OIDC token through the same client: one retry budget, retries logged.
    ctx.idToken = actionsIdToken(process.env, ctx.http);
    if (inputs.targetsYaml) {
      const { loginMany } = await import('./many.js');
      const step = await loginMany(inputs, ctx, state, (list) => (results = list), putCliOnPath);
      outcome = step.outcome;
      exitCode = EXIT_CODES[outcome];
      rows = step.rows;
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
    targetName = spec.name;
    attempted = { target: spec.name, url: spec.url, method: spec.method, expiresAt: undefined, files: [] };
    if (spec.method === 'oidc') requireIdTokenPermission(process.env);
    const command = inputs.run ? splitCommand(inputs.run) : [];
    const timeoutMs = parseTimeout(inputs.timeout);
    // Loaded only with `run`: most logins never start a command.
    const deploy = command.length ? await import('../core/run.js') : undefined;
    // Before the login: a command that cannot start must not leave a credential behind for nothing.
    // (`deploy-login` itself is put on PATH below, before the command runs.)
    if (deploy && command[0] !== 'deploy-login') deploy.requireCommand(command[0]!, process.env);
    result = await login(spec, inputs.creds, ctx);
    state.targets.push(result.target);
    publish(result);
    state.binDir = await putCliOnPath();
    if (deploy) {
      run = await deploy.runDeploy({
        command,
        env: core.deployCommandEnv(),
        childEnv: { ...result.variables, ...deployEnv(result.target, result, ctx.storePath) },
        timeoutMs,
        stdout: (t) => process.stdout.write(secrets.redact(t)),
        stderr: (t) => process.stderr.write(secrets.redact(t)),
        redact: (t) => secrets.redact(t),
        pendingSecret: (t) => secrets.pendingPrefix(t),
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
    failure = f.message;
    if (f.stack) core.debug(secrets.redact(f.stack));
  } finally {
    // On every path, not only after a login: a later step that runs `deploy-login run` (or
    // `status`) after this one failed then hears "needs login" (3), not "command not found".
    state.binDir ??= await putCliOnPath().catch(() => undefined);
    // First: whatever fails below, the post step still knows what to undo.
    core.saveState('deploy-login', JSON.stringify(state));
    core.setOutput('outcome', outcome);
    core.setOutput('exit-code', String(exitCode));
    core.setOutput('credentials-file', state.storePath);
    core.exportVariable('DEPLOY_LOGIN_CONFIG', state.storePath);
    if (targetName) core.setOutput('target', targetName);
    if (results) core.setOutput('results', JSON.stringify(results));
    const own = result ?? attempted;
    await writeSummary(rows ?? (own ? [{ result: own, outcome, run }] : []), outcome, secrets, failure).catch(
      () => undefined,
    );
    process.exitCode = exitCode;
  }
}

/**
 * After a login. `target`, `credentials-file`, DEPLOY_LOGIN_CONFIG and the CLI on PATH are set on
 * every path, in main's finally.
 */
function publish(r: LoginResult): void {
  core.setOutput('expires-at', r.expiresAt ?? '');
  core.setOutput('token', r.token);
  for (const [k, v] of Object.entries(r.variables)) core.exportVariable(k, v);
}

/** A `deploy-login` on PATH for later steps, run by the same Node that runs this action. */
async function putCliOnPath(): Promise<string | undefined> {
  const entry = process.argv[1];
  if (!entry) return undefined;
  const binDir = await writeLauncher(path.resolve(path.dirname(entry), '..', 'cli', 'index.js'), process.env);
  core.addPath(binDir);
  return binDir;
}

void main();

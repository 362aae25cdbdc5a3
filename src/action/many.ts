import * as core from './runner.js';
import { createContext, type CoreContext } from '../core/context.js';
import { EXIT_CODES, invalidInput, mostSevere, type Outcome } from '../core/errors.js';
import { loginMany as loginAll, parseConcurrency, parseTargetList, type TargetResult } from '../core/many.js';
import { requireCommand, runDeploy, type RunResult } from '../core/run.js';
import { deployEnv } from '../core/session.js';
import { allowsPlainHttp } from '../core/target.js';
import { splitCommand } from './argv.js';
import { actionsIdToken, requireIdTokenPermission } from './idtoken.js';
import { parseTimeout, type ActionInputs } from './inputs.js';
import type { PostState } from './main.js';
import type { SummaryRow } from './summary.js';

/** Per-target variables the env format also sets without the target's name; only the current target keeps those. */
const UNSUFFIXED = new Set([
  'DEPLOY_LOGIN_TOKEN',
  'DEPLOY_LOGIN_URL',
  'DEPLOY_LOGIN_TARGET',
  'DEPLOY_LOGIN_EXPIRES_AT',
]);

export interface ManyStep {
  outcome: Outcome;
  rows: SummaryRow[];
}

/**
 * Several targets in one step (the `targets` input): every item validated first, logins in
 * parallel, each target's log printed as one group when it is done, then `run` once per
 * logged-in target, in list order. The step's exit code is the most severe outcome. The `results`
 * output goes to `onResults`: main sets it on every path, also when this throws.
 */
export async function loginMany(
  inputs: ActionInputs,
  ctx: CoreContext,
  state: PostState,
  onResults: (results: object[]) => void,
  /** Puts the `deploy-login` CLI on PATH (main.ts), for a `run` that calls it. */
  cliOnPath: () => Promise<string | undefined>,
): Promise<ManyStep> {
  if (inputs.target.url?.trim()) {
    throw invalidInput(
      '`url` and `targets` cannot be used together: give each target its url inside `targets`.',
    );
  }
  const name = inputs.target.target?.trim();
  if (name && name !== 'default') {
    throw invalidInput('`target` and `targets` cannot be used together: name each target inside `targets`.');
  }
  const env = process.env;
  const concurrency = parseConcurrency(env.DEPLOY_LOGIN_CONCURRENCY, 'DEPLOY_LOGIN_CONCURRENCY');
  const { target: _t, url: _u, ...shared } = inputs.target;
  const items = await parseTargetList(inputs.targetsYaml, {
    label: '`targets`',
    defaults: { input: shared, creds: inputs.creds, json: inputs.json },
    inlineSecrets: true,
    env,
    allowHttp: allowsPlainHttp(env),
    secrets: ctx.secrets,
  });
  if (items.some((i) => i.spec.method === 'oidc')) requireIdTokenPermission(env);
  const command = inputs.run ? splitCommand(inputs.run) : [];
  // Before any login (see main.ts); `deploy-login` itself goes on PATH before the first run.
  if (command[0] && command[0] !== 'deploy-login') requireCommand(command[0], env);
  const timeoutMs = parseTimeout(inputs.timeout);
  const secrets = ctx.secrets;
  const idToken = actionsIdToken(env);

  core.info(
    `deploy-login: logging in to ${items.length} target${items.length === 1 ? '' : 's'}, ${Math.min(concurrency, items.length)} at a time.`,
  );
  const results = await loginAll(items, ctx, {
    concurrency,
    contextFor: (_item, sink, shared) =>
      createContext({
        ...shared,
        env,
        home: ctx.home,
        storePath: ctx.storePath,
        secrets,
        idToken,
        log: (text) => sink({ level: 'info', text }),
        warn: (text) => sink({ level: 'warn', text }),
      }),
    onDone: (r) => printGroup(r, secrets.redact.bind(secrets)),
  });

  const ok = results.filter((r) => r.outcome === 'success');
  state.targets.push(...ok.map((r) => r.target));
  publish(results);

  const runs = new Map<string, RunResult>();
  if (command.length && ok.length) state.binDir ??= await cliOnPath();
  if (command.length) {
    for (const r of ok) {
      const login = r.login!;
      core.startGroup(`deploy to ${r.target}: ${command[0]}`);
      const run = await runDeploy({
        command,
        env: core.deployCommandEnv(env),
        childEnv: { ...login.variables, ...deployEnv(r.target, login, ctx.storePath) },
        timeoutMs,
        stdout: (t) => process.stdout.write(secrets.redact(t)),
        stderr: (t) => process.stderr.write(secrets.redact(t)),
        redact: (t) => secrets.redact(t),
        pendingSecret: (t) => secrets.pendingPrefix(t),
      });
      core.endGroup();
      runs.set(r.target, run);
      if (run.exitCode !== 0) {
        core.error(
          run.outcome === 'needs-login'
            ? `${r.target}: the deploy command was refused for authentication (${run.reason}): needs login.`
            : `${r.target}: the deploy command failed (exit ${run.commandExitCode ?? run.signal}): deploy failed.`,
        );
      }
    }
  }
  const final = (r: TargetResult): Outcome => runs.get(r.target)?.outcome ?? r.outcome;
  onResults(
    results.map((r) => {
      const run = runs.get(r.target);
      return {
        target: r.target,
        outcome: final(r),
        'exit-code': EXIT_CODES[final(r)],
        'expires-at': r.expiresAt ?? '',
        url: r.url,
        ...(r.error ? { error: secrets.redact(r.error) } : {}),
        ...(run ? { 'command-exit-code': run.commandExitCode } : {}),
      };
    }),
  );
  if (command.length && inputs.githubDeployment) {
    const { recordDeployments } = await import('./deployments.js');
    await recordDeployments(
      results.map((r) => ({ target: r.target, url: r.url, outcome: final(r) })),
      secrets,
      inputs.githubToken,
    );
  }
  return {
    outcome: mostSevere(results.map(final)),
    rows: results.map((r) => ({
      result: {
        target: r.target,
        url: r.url,
        method: r.method,
        expiresAt: r.expiresAt,
        files: r.login?.files ?? [],
      },
      outcome: final(r),
      run: runs.get(r.target),
    })),
  };
}

/** One collapsible group per target, printed whole when it is done, so parallel logins never interleave. */
function printGroup(r: TargetResult, redact: (t: string) => string): void {
  core.startGroup(`${r.target}: ${r.outcome}${r.outcome === 'success' ? '' : ` (exit ${r.exitCode})`}`);
  for (const l of r.log) {
    if (l.level === 'warn') core.warning(redact(`${r.target}: ${l.text}`));
    else core.info(redact(l.text));
  }
  if (r.stack) core.debug(redact(r.stack));
  if (r.outcome === 'success') {
    const exp = r.expiresAt ? `, expires ${r.expiresAt}` : '';
    core.info(
      `Logged in to "${r.target}" (${r.url}) with ${r.method}${exp} in ${r.durationMs} ms, ${r.attempts} HTTP attempt(s).`,
    );
    for (const f of r.login?.files ?? []) core.info(`  wrote ${f.format}: ${f.path}`);
  }
  core.endGroup();
  // Outside the group, so a failure shows without expanding anything.
  if (r.error) core.error(redact(`${r.target}: ${r.error}`));
}

/**
 * Outputs and variables for later steps. `target`, `token` and `expires-at` describe the current
 * target (the first in the list that logged in); `results` (see onResults) has every target.
 */
function publish(results: TargetResult[]): void {
  const ok = results.filter((r) => r.outcome === 'success');
  const current = ok[0];
  // `credentials-file` and DEPLOY_LOGIN_CONFIG are set by main on every path.
  if (!current) return;
  core.setOutput('target', current.target);
  core.setOutput('expires-at', current.expiresAt ?? '');
  core.setOutput('token', current.login!.token);
  const vars = sharedVariables(
    current.login!.variables,
    ok.map((r) => r.login!.variables),
  );
  for (const [k, v] of Object.entries(vars)) core.exportVariable(k, v);
}

/**
 * The variables later steps get from several targets: one value per name. A name more than one
 * target sets to different values (FERMYON_DEPLOYMENT_ENVIRONMENT with `format: spin`, or
 * DEPLOY_LOGIN_TOKEN & co.) takes the current target's, like `target` and `token`; one the current
 * target does not set is exported only when every target agrees (a shared DOCKER_CONFIG), never as
 * whichever target happened to be written last.
 */
export function sharedVariables(
  current: Record<string, string>,
  all: Array<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = { ...current };
  const disputed = new Set<string>();
  for (const vars of all) {
    for (const [k, v] of Object.entries(vars)) {
      if (k in current || disputed.has(k)) continue;
      if (UNSUFFIXED.has(k)) continue;
      if (k in out && out[k] !== v) {
        delete out[k];
        disputed.add(k);
      } else out[k] = v;
    }
  }
  return out;
}

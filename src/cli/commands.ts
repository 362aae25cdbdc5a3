import { createContext, type CoreContext } from '../core/context.js';
import { DeployLoginError, EXIT_CODES, invalidInput } from '../core/errors.js';
import { envVariables, shellQuote } from '../core/formats/env.js';
import { login, type LoginResult } from '../core/login.js';
import { withSpinEnvironment } from '../core/spin-env.js';
import { compilePatterns, requireCommand, runDeploy } from '../core/run.js';
import {
  deployEnv,
  listTargets,
  logout,
  needsLoginError,
  status,
  usableCredential,
  useTarget,
} from '../core/session.js';
import { SecretRegistry } from '../core/redact.js';
import { envTargetName, readStore, type StoredTarget } from '../core/store.js';
import {
  allowsPlainHttp,
  parseBoolean,
  resolveTarget,
  validateTargetName,
  type Credentials,
  type InputLabel,
} from '../core/target.js';
import { kebabCase } from '../core/text.js';
import {
  LOGIN_OPTIONS,
  COMMON,
  RUN_OPTIONS,
  STATUS_OPTIONS,
  joinDashValues,
  list,
  parse,
  str,
  type Values,
} from './args.js';
import { createOutput, type Sinks, humanDuration, paint, readStdin, type Output } from './io.js';
import { environmentCredentials, maskedEnvironmentCredentials, relogin } from './relogin.js';
import { contextFor, withLoginExtras } from './login-extras.js';

export interface Cli {
  ctx: CoreContext;
  io: Output;
  env: Record<string, string | undefined>;
}

export function createCli(env = process.env, sinks?: Sinks): Cli {
  // Read here, with the other environment settings, so "yes" is refused at start (exit 2) rather
  // than quietly meaning false when an error comes to be printed.
  parseBoolean(env.DEPLOY_LOGIN_DEBUG, 'DEPLOY_LOGIN_DEBUG', false);
  const secrets = new SecretRegistry();
  const io = createOutput(secrets, env, sinks);
  const ctx = createContext({
    env,
    secrets,
    log: (l) => io.err(paint(io, 'dim', l) + '\n'),
    warn: (l) => io.err(paint(io, 'yellow', `warning: ${l}`) + '\n'),
  });
  return { ctx, io, env };
}

export const cliLabel: InputLabel = (key) => {
  const flags: Record<string, string> = {
    password: '--password-stdin (or DEPLOY_LOGIN_PASSWORD)',
    token: '--token-stdin (or DEPLOY_LOGIN_TOKEN)',
    'client-secret': 'DEPLOY_LOGIN_CLIENT_SECRET',
  };
  return flags[key] ?? `--${kebabCase(key)}`;
};

/**
 * The target a command names, checked before anything is read, locked or sent: --target exactly as
 * given (an empty or padded value is a script's unset variable, and must not become "default",
 * whose credential login would overwrite), else DEPLOY_LOGIN_TARGET (see envTargetName).
 */
export function targetOption(v: Values, env: Cli['env']): string | undefined {
  const flag = str(v.target);
  return flag === undefined ? envTargetName(env) : validateTargetName(flag, '--target');
}

async function readCredentials(v: Values, env: Cli['env']): Promise<Credentials> {
  if (typeof v.password === 'string' || typeof v.token === 'string') {
    throw invalidInput(
      'Secrets are not accepted on the command line, where process listings show them: use --password-stdin or --token-stdin, or DEPLOY_LOGIN_PASSWORD / DEPLOY_LOGIN_TOKEN.',
    );
  }
  if (v['password-stdin'] && v['token-stdin'])
    throw invalidInput('Use only one of --password-stdin and --token-stdin.');
  const creds = environmentCredentials(env);
  if (v['password-stdin']) creds.password = await readStdin();
  if (v['token-stdin']) creds.token = await readStdin();
  return creds;
}

export async function loginCommand(cli: Cli, argv: string[]): Promise<number> {
  // A device code may start with "-": keep it the flag's value.
  const { values: v } = parse('login', joinDashValues(argv, ['--check-device-code']), LOGIN_OPTIONS);
  if (v['targets-file'] !== undefined) {
    const { loginTargetsFile } = await import('./many.js');
    return loginTargetsFile(cli, v);
  }
  const { env, ctx } = cli;
  const deviceStep = v['get-device-code'] === true || v['check-device-code'] !== undefined;
  const allowHttp = allowsPlainHttp(env);
  // protocol fermyon: Spin's own variables (SPIN_AUTH_TOKEN, HIPPO_*, CLOUD_URL) fill what is still empty.
  const spin = withSpinEnvironment(
    {
      target: targetOption(v, env),
      url: str(v.url) ?? env.DEPLOY_LOGIN_URL,
      // --get-device-code / --check-device-code imply the device method.
      method: str(v.method) ?? (deviceStep ? 'device' : undefined),
      protocol: str(v.protocol),
      username: str(v.username) ?? env.DEPLOY_LOGIN_USERNAME,
      audience: str(v.audience),
      tokenEndpoint: str(v['token-endpoint']),
      clientId: str(v['client-id']),
      scope: str(v.scope),
      format: list(v.format).join(','),
      insecure: v.insecure === true,
    },
    await readCredentials(v, env),
    env,
    cliLabel,
    allowHttp,
  );
  const creds = spin.creds;
  for (const s of Object.values(creds)) ctx.secrets.add(s);
  const input = await withLoginExtras(spin.input, v, env);
  // A value that came from the environment is reported under the variable's name, not the flag's.
  const fromEnv: Partial<Record<string, string>> = {
    url: str(v.url) === undefined && env.DEPLOY_LOGIN_URL ? 'DEPLOY_LOGIN_URL' : undefined,
    username:
      str(v.username) === undefined && env.DEPLOY_LOGIN_USERNAME ? 'DEPLOY_LOGIN_USERNAME' : undefined,
  };
  const label: InputLabel = (key) => fromEnv[key] ?? cliLabel(key);
  const spec = resolveTarget(input, creds, { label, allowHttp, defaultUrl: spin.defaultUrl });
  if (spec.method === 'device' || deviceStep) {
    const { deviceLoginCommand } = await import('./device.js');
    return deviceLoginCommand(cli, spec, creds, v);
  }
  // --oidc-source, --id-token-env/-file and --azure-service-connection pick the CI token source.
  const result = await login(spec, creds, contextFor(ctx, spec));
  printLogin(cli, result, v.json === true);
  return 0;
}

/** What a finished login reports in JSON (`login --json`, `--check-device-code`): never the token. */
export function loginSummary(r: LoginResult) {
  return {
    target: r.target,
    url: r.url,
    method: r.method,
    expiresAt: r.expiresAt ?? null,
    credentialsFile: r.storePath,
    files: r.files.map((f) => ({ format: f.format, path: f.path })),
  };
}

export function printLogin(cli: Cli, r: LoginResult, json: boolean): void {
  if (json) {
    cli.io.out(JSON.stringify({ outcome: 'success', exitCode: 0, ...loginSummary(r) }) + '\n');
    return;
  }
  const exp = r.expiresAt ? `, expires ${r.expiresAt}` : '';
  cli.io.err(`${paint(cli.io, 'green', 'Logged in')} to "${r.target}" (${r.url}) with ${r.method}${exp}.\n`);
  for (const f of r.files) cli.io.err(`  wrote ${f.format}: ${f.path}\n`);
}

export async function logoutCommand(cli: Cli, argv: string[]): Promise<number> {
  const { values: v } = parse('logout', argv, { ...COMMON, all: { type: 'boolean' } });
  if (v.all && v.target) throw invalidInput('Use either --target or --all, not both.');
  const r = await logout(cli.ctx, {
    target: v.all ? undefined : targetOption(v, cli.env),
    all: v.all === true,
  });
  if (v.json) cli.io.out(JSON.stringify(r) + '\n');
  else if (r.removed.length === 0) cli.io.err('Nothing to log out of.\n');
  else
    cli.io.err(
      `Logged out of ${r.removed.map((n) => `"${n}"`).join(', ')}; undid ${r.restoredFiles.length} file change(s).\n`,
    );
  return 0;
}

export async function statusCommand(cli: Cli, argv: string[]): Promise<number> {
  const { values: v } = parse('status', argv, STATUS_OPTIONS);
  const minValid = seconds(str(v['min-valid']), '--min-valid', DEFAULT_MIN_VALID_SECONDS);
  const s = await status(cli.ctx, targetOption(v, cli.env));
  let code = s.state === 'valid' ? 0 : EXIT_CODES['needs-login'];
  let problem = code === 0 ? undefined : needsLoginError(s).message;
  let verified: boolean | undefined;
  if (code === 0 && v.verify) {
    // Ask the target itself; only "the target refused the token" becomes a status, other errors propagate.
    const { verifyToken } = await import('../core/verify.js');
    const entry = (await readStore(cli.ctx.storePath)).targets[s.target]!;
    try {
      await verifyToken(cli.ctx, s.target, entry);
      verified = true;
    } catch (err) {
      if (!(err instanceof DeployLoginError) || err.outcome !== 'needs-login') throw err;
      verified = false;
      code = EXIT_CODES['needs-login'];
      problem = err.message;
    }
  }
  const warning =
    code === 0 && s.secondsLeft !== undefined && s.secondsLeft < minValid
      ? `the token for "${s.target}" expires in ${humanDuration(s.secondsLeft)} (${s.expiresAt}), less than ${minValid} s from now: ${s.refreshable ? 'run "deploy-login refresh"' : 'log in again'} before a long deploy.`
      : undefined;
  if (v.json) {
    cli.io.out(
      JSON.stringify({
        ...s,
        ...(verified !== undefined ? { verified } : {}),
        ...(warning ? { warning } : {}),
        ...(problem ? { error: problem } : {}),
        outcome: code === 0 ? 'success' : 'needs-login',
        exitCode: code,
      }) + '\n',
    );
    return code;
  }
  if (problem) {
    cli.io.err(`${paint(cli.io, 'red', 'needs login')}: ${problem}\n`);
    return code;
  }
  const left =
    s.secondsLeft !== undefined
      ? `, expires in ${humanDuration(s.secondsLeft)} (${s.expiresAt})`
      : ', no expiry known';
  const checked = verified ? '; the target confirms the token is valid' : '';
  cli.io.err(
    `${paint(cli.io, 'green', 'logged in')}: "${s.target}" at ${s.url} with ${s.method}${left}${checked}.\n`,
  );
  if (warning) cli.io.err(paint(cli.io, 'yellow', `warning: ${warning}`) + '\n');
  return code;
}

/** status warns when less than this is left (seconds), unless --min-valid says otherwise. */
export const DEFAULT_MIN_VALID_SECONDS = 300;

function seconds(value: string | undefined, label: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw invalidInput(`${label} must be a number of seconds, not "${value.slice(0, 40)}".`);
  return n;
}

export async function tokenCommand(cli: Cli, argv: string[]): Promise<number> {
  const { values: v } = parse('token', argv, COMMON);
  const { name, entry } = await usableCredential(cli.ctx, targetOption(v, cli.env), {
    creds: maskedEnvironmentCredentials(cli),
  });
  if (entry.tokenInToolFileOnly) {
    throw invalidInput(
      `Target "${name}" logged in with a password that only its tool file holds (${entry.files.map((f) => f.path).join(', ')}); there is no token to print.`,
    );
  }
  // The one place a token is meant to reach stdout: write it unredacted, and only it.
  if (v.json) {
    cli.io.reveal(
      JSON.stringify({ target: name, token: entry.token, expiresAt: entry.expiresAt ?? null }) + '\n',
    );
  } else cli.io.reveal(entry.token + '\n');
  return 0;
}

export async function envCommand(cli: Cli, argv: string[]): Promise<number> {
  const { values: v } = parse('env', argv, COMMON);
  const { name, entry } = await usableCredential(cli.ctx, targetOption(v, cli.env), {
    creds: maskedEnvironmentCredentials(cli),
  });
  const vars: Record<string, string> = {
    DEPLOY_LOGIN_CONFIG: cli.ctx.storePath,
    ...envVariables({
      target: {
        name,
        url: entry.url,
        insecure: entry.insecure,
        protocol: entry.protocol,
        options: entry.options ?? {},
      },
      token: entry.token,
      expiresAt: entry.expiresAt,
      env: cli.env,
      home: cli.ctx.home,
      platform: cli.ctx.platform,
      storeDir: '',
    }),
  };
  for (const f of entry.files) if (f.exportVar) vars[f.exportVar.name] = f.exportVar.value;
  // Meant for eval: the token is printed on purpose, so this bypasses the redacting writer.
  if (v.json) {
    cli.io.reveal(JSON.stringify(vars) + '\n');
    return 0;
  }
  cli.io.reveal(
    Object.entries(vars)
      .map(([k, val]) => `export ${k}=${shellQuote(val)}\n`)
      .join(''),
  );
  return 0;
}

export async function targetsCommand(cli: Cli, argv: string[]): Promise<number> {
  const { values: v } = parse('targets', argv, { help: COMMON.help!, json: COMMON.json! });
  const all = await listTargets(cli.ctx);
  if (v.json) {
    cli.io.out(JSON.stringify(all.map(({ files: _f, ...rest }) => rest)) + '\n');
    return 0;
  }
  if (all.length === 0) {
    cli.io.err('No stored targets: run "deploy-login login".\n');
    return 0;
  }
  const rows = all.map((t) => [
    t.current ? '*' : ' ',
    t.target,
    t.url ?? '',
    t.method ?? '',
    t.state === 'expired' ? 'expired' : (t.expiresAt ?? '-'),
  ]);
  const widths = [1, 6, 3, 6].map((w, i) => Math.max(w, ...rows.map((r) => r[i]!.length)));
  cli.io.out(
    ['', 'NAME', 'URL', 'METHOD', 'EXPIRES'].map((h, i) => (i < 4 ? h.padEnd(widths[i]!) : h)).join('  ') +
      '\n',
  );
  for (const r of rows) cli.io.out(r.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join('  ') + '\n');
  return 0;
}

export async function useCommand(cli: Cli, argv: string[]): Promise<number> {
  const { positionals } = parse('use', argv, { help: COMMON.help! }, true);
  if (positionals.length !== 1)
    throw invalidInput('Give exactly one target name, e.g. deploy-login use staging.');
  // A name no target could have is a typo to point out, before the store is even opened.
  await useTarget(cli.ctx, validateTargetName(positionals[0]!, 'The target name'));
  cli.io.err(`Current target is now "${positionals[0]}".\n`);
  return 0;
}

export async function runCommand(cli: Cli, argv: string[]): Promise<number> {
  const dash = argv.indexOf('--');
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const command = dash >= 0 ? argv.slice(dash + 1) : [];
  const { values: v } = parse('run', own, RUN_OPTIONS);
  if (command.length === 0)
    throw invalidInput('Give the deploy command after "--", e.g. deploy-login run -- spin deploy.');
  const timeout = str(v.timeout);
  const timeoutS = timeout === undefined ? 0 : Number(timeout);
  if (!Number.isFinite(timeoutS) || timeoutS < 0)
    throw invalidInput(`--timeout must be a number of seconds, not "${timeout}".`);
  const codes = list(v['needs-login-exit-code']).map((c) => {
    const n = Number(c);
    if (!Number.isInteger(n) || n < 1 || n > 255)
      throw invalidInput(`--needs-login-exit-code must be 1-255, not "${c}".`);
    return n;
  });
  const patterns = compilePatterns(list(v['needs-login-pattern']));
  const target = targetOption(v, cli.env);
  const json = v.json === true;

  // The credential first, as the contract orders it (missing or expired: 3, whatever the command);
  // but a command that cannot start is found before a refresh or --relogin is spent on it (and
  // otherwise by runDeploy, which checks it before it spawns).
  const commandRuns = () => requireCommand(command[0]!, cli.env);
  let cred: { name: string; entry: StoredTarget };
  let loggedInAgain = false;
  try {
    cred = await usableCredential(cli.ctx, target, {
      beforeRefresh: commandRuns,
      creds: maskedEnvironmentCredentials(cli),
    });
  } catch (err) {
    if (!v.relogin || !(err instanceof DeployLoginError) || err.outcome !== 'needs-login') throw err;
    commandRuns();
    cred = await relogin(cli, target, err);
    loggedInAgain = true;
  }
  const attempt = (entry: typeof cred.entry) =>
    runDeploy({
      command,
      env: cli.env,
      childEnv: deployEnv(cred.name, entry, cli.ctx.storePath),
      timeoutMs: timeoutS * 1000,
      needsLoginPatterns: patterns,
      needsLoginExitCodes: codes,
      stdout: json ? cli.io.err : cli.io.out,
      stderr: cli.io.err,
      redact: (t) => cli.ctx.secrets.redact(t),
      pendingSecret: (t) => cli.ctx.secrets.pendingPrefix(t),
    });
  cli.ctx.secrets.add(cred.entry.token);
  let result = await attempt(cred.entry);
  // Once, and only with a credential we did not just get: a fresh one refused means login won't help.
  if (result.outcome === 'needs-login' && v.relogin && !loggedInAgain) {
    cli.io.err(
      `deploy-login: the deploy was refused for authentication (${result.reason}); logging in again once.\n`,
    );
    const again = await relogin(cli, cred.name, undefined).catch((err: unknown) => {
      if (!(err instanceof DeployLoginError)) throw err;
      cli.io.err(`deploy-login: ${err.message}\n`);
      return undefined;
    });
    if (again) {
      cred = again;
      result = await attempt(cred.entry);
    }
  }
  if (json) {
    cli.io.out(
      JSON.stringify({
        target: cred.name,
        outcome: result.outcome,
        exitCode: result.exitCode,
        commandExitCode: result.commandExitCode,
        signal: result.signal,
        timedOut: result.timedOut,
        durationMs: result.durationMs,
      }) + '\n',
    );
  } else if (result.exitCode !== 0) {
    const what = result.outcome === 'needs-login' ? `needs login (${result.reason})` : 'deploy failed';
    const how = result.timedOut
      ? `timed out after ${timeoutS} s`
      : result.signal
        ? `was killed by ${result.signal}`
        : `exited ${result.commandExitCode}`;
    cli.io.err(`deploy-login: ${command[0]} ${how}: ${what}.\n`);
  }
  return result.exitCode;
}

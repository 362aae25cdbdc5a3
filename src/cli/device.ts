/**
 * `deploy-login login --method device`: interactively on a terminal, or in two non-interactive
 * steps for programs (SIP 007): `--get-device-code` prints the code, `--check-device-code CODE`
 * polls once and stores the credential when the code was approved.
 *
 * The two steps keep no state between them: the second call is given the same --url, --protocol,
 * --target, --client-id and --format flags as the first, plus the device code. Nothing half-secret
 * waits in the store for a person who may never approve it.
 */
import { protocolDeps, type CoreContext } from '../core/context.js';
import { invalidInput, toFailure } from '../core/errors.js';
import { checkFormats, saveGrant } from '../core/login.js';
import { DeviceLoginError, hasControlCharacters, pollForGrant } from '../core/protocols/device.js';
import { protocolFor } from '../core/protocols/index.js';
import type { DeviceFlow } from '../core/protocols/types.js';
import type { Credentials, TargetSpec } from '../core/target.js';
import { str, type Values } from './args.js';
import { loginSummary, printLogin, type Cli } from './commands.js';
import { DevicePrompt } from './device-ui.js';

/** CI=true (or any value but false/0) means nobody is at the keyboard, whatever the terminal says. */
export function isCi(env: Record<string, string | undefined>): boolean {
  const v = env.CI?.trim().toLowerCase();
  return !!v && v !== 'false' && v !== '0';
}

/** Why this process cannot ask a person anything, or undefined when it can. */
export function notInteractiveBecause(env: Record<string, string | undefined>): string | undefined {
  if (isCi(env)) return 'CI is set';
  if (!process.stdin.isTTY) return 'stdin is not a terminal';
  if (!process.stdout.isTTY) return 'stdout is not a terminal';
  return undefined;
}

async function deviceFlowFor(spec: TargetSpec, creds: Credentials, ctx: CoreContext): Promise<DeviceFlow> {
  const protocol = await protocolFor(spec);
  if (!protocol.device) {
    throw invalidInput(`protocol "${spec.protocol}" has no device login: use another --method.`);
  }
  return protocol.device(spec, creds, protocolDeps(ctx));
}

export async function deviceLoginCommand(
  cli: Cli,
  spec: TargetSpec,
  creds: Credentials,
  v: Values,
): Promise<number> {
  const get = v['get-device-code'] === true;
  const check = str(v['check-device-code']);
  if (get && check !== undefined) {
    throw invalidInput('Use either --get-device-code or --check-device-code, not both.');
  }
  if (spec.method !== 'device') {
    throw invalidInput(
      `--get-device-code and --check-device-code belong to --method device, not --method ${spec.method}.`,
    );
  }
  // Before anything is sent: a format we cannot write would otherwise fail only after approval.
  checkFormats(spec);
  if (get || check !== undefined) return codeStep(cli, spec, creds, check);
  const why = notInteractiveBecause(cli.env);
  if (why) {
    throw invalidInput(
      `--method device needs a person at an interactive terminal, and ${why}: run "deploy-login login --method device --get-device-code" and then "--check-device-code CODE" with the same flags, or use a non-interactive method (--method token, password or oidc).`,
    );
  }
  return interactive(cli, spec, creds, v.json === true);
}

/** The device code as it came back from --get-device-code: printable, of sane length. */
function checkedCode(code: string): string {
  const trimmed = code.trim();
  if (!trimmed || trimmed.length > 4096 || hasControlCharacters(trimmed)) {
    throw invalidInput('--check-device-code needs the "deviceCode" value that --get-device-code printed.');
  }
  return trimmed;
}

/** One JSON line on stdout for every answer, failures included, so a program never parses prose. */
async function codeStep(
  cli: Cli,
  spec: TargetSpec,
  creds: Credentials,
  check: string | undefined,
): Promise<number> {
  const print = (o: Record<string, unknown>) => cli.io.out(JSON.stringify(o) + '\n');
  try {
    if (check === undefined) {
      const flow = await deviceFlowFor(spec, creds, cli.ctx);
      const a = await flow.start();
      // Exactly these keys (SIP 007 / `spin login --get-device-code`); the device code is meant for the caller.
      print({
        verificationUrl: a.verificationUrl,
        deviceCode: a.deviceCode,
        userCode: a.userCode,
        expiresIn: a.expiresIn,
        interval: a.interval,
      });
      return 0;
    }
    const code = checkedCode(check);
    cli.ctx.secrets.add(code);
    const flow = await deviceFlowFor(spec, creds, cli.ctx);
    const answer = await flow.poll(code);
    if (answer.status === 'pending') {
      print({ status: 'waiting' });
      return 0;
    }
    if (answer.status === 'slow_down') {
      // RFC 8628 §3.5: the caller must add 5 s to its polling interval from now on. The answer on
      // stdout stays the contract's exact {"status":"waiting"}; the advice goes to stderr.
      cli.io.err(
        'deploy-login login: the server asked to poll more slowly (slow_down): add 5 s to the interval between checks from now on.\n',
      );
      print({ status: 'waiting' });
      return 0;
    }
    const r = await saveGrant(spec, answer.grant, cli.ctx);
    print({ status: 'authorized', ...loginSummary(r) });
    return 0;
  } catch (err) {
    const f = toFailure(err);
    cli.io.err(`deploy-login login: ${f.message}\n`);
    print({
      status: err instanceof DeviceLoginError ? err.reason : 'error',
      outcome: f.outcome,
      exitCode: f.exitCode,
      error: f.message,
    });
    return f.exitCode;
  }
}

async function interactive(cli: Cli, spec: TargetSpec, creds: Credentials, json: boolean): Promise<number> {
  const flow = await deviceFlowFor(spec, creds, cli.ctx);
  const auth = await flow.start();
  // Whoever holds the device code can collect the token once it is approved: never show it.
  cli.ctx.secrets.add(auth.deviceCode);
  const prompt = new DevicePrompt(cli.io, auth, cli.env);
  prompt.show(spec.name);
  let grant;
  try {
    grant = await pollForGrant(spec, flow, auth, {
      now: cli.ctx.now,
      onWaiting: (s) => prompt.waiting(s.polls, s.msLeft),
      onSlowDown: (seconds) => prompt.slowDown(seconds),
      onTransient: (err, retryInMs) => prompt.transient(err.message, retryInMs),
    });
  } finally {
    prompt.close();
  }
  const result = await saveGrant(spec, grant, cli.ctx);
  printLogin(cli, result, json);
  return 0;
}

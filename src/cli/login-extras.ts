import path from 'node:path';
import { createContext, type CoreContext } from '../core/context.js';
import { invalidInput } from '../core/errors.js';
import { OIDC_SOURCES, type OidcOptions } from '../core/oidc.js';
import {
  allowsPlainHttp,
  printable,
  validateUrl,
  type TargetInput,
  type TargetSpec,
} from '../core/target.js';
import type { JsonLoginInput } from '../core/protocols/json-config.js';
import { readToolOptions } from '../core/tool-options.js';
import { list, str, type Values } from './args.js';

/** The json protocol's flags, as the core's JsonLoginInput. */
export function jsonInputOf(v: Values): JsonLoginInput {
  return {
    recipe: str(v['json-recipe']),
    loginPath: str(v['login-path']),
    body: list(v.body).length ? list(v.body) : undefined,
    tokenField: str(v['token-field']),
    expiryField: str(v['expiry-field']),
    expiryKind: str(v['expiry-kind']),
    refreshPath: str(v['refresh-path']),
    refreshBody: list(v['refresh-body']).length ? list(v['refresh-body']) : undefined,
    refreshTokenField: str(v['refresh-token-field']),
    checkPath: str(v['check-path']),
    audiencePath: str(v['audience-path']),
  };
}

/**
 * The login flags beyond the basic ones, folded into the target's input so they are stored with
 * it (a later `run --relogin` or `status --verify` needs them): the json protocol's settings,
 * --check-url, and where the CI OIDC token comes from. The json code loads only when used.
 */
export async function withLoginExtras(
  input: TargetInput,
  v: Values,
  env: Record<string, string | undefined>,
): Promise<TargetInput> {
  let out: TargetInput = { ...input, options: { ...(input.options ?? {}) } };
  const jsonInput = jsonInputOf(v);
  const wantsJson =
    input.protocol?.trim() === 'json' || Object.values(jsonInput).some((x) => x !== undefined);
  if (wantsJson) {
    const { prepareJsonTarget, cliJsonLabel } = await import('../core/protocols/json-config.js');
    out = prepareJsonTarget(out, jsonInput, cliJsonLabel);
  }
  const checkUrl = str(v['check-url']);
  if (checkUrl) {
    out.options!.checkUrl = validateUrl(checkUrl, '--check-url', {
      allowHttp: allowsPlainHttp(env),
    });
  }
  const oidc = oidcFlags(v);
  if (Object.keys(oidc).length) out.options!.oidc = oidc;
  Object.assign(
    out.options!,
    readToolOptions(
      (name) => str(v[name]),
      (name) => `--${name}`,
      env,
    ),
  );
  return out;
}

function oidcFlags(v: Values): OidcOptions {
  const source = str(v['oidc-source'])?.trim();
  if (source && !(OIDC_SOURCES as readonly string[]).includes(source)) {
    throw invalidInput(`--oidc-source "${printable(source)}" is not one of: ${OIDC_SOURCES.join(', ')}.`);
  }
  const idTokenEnv = str(v['id-token-env'])?.trim();
  if (idTokenEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(idTokenEnv)) {
    throw invalidInput(`--id-token-env "${printable(idTokenEnv)}" is not a variable name.`);
  }
  const file = str(v['id-token-file'])?.trim();
  const out: OidcOptions = {};
  if (source) out.source = source;
  if (idTokenEnv) out.idTokenEnv = idTokenEnv;
  // Stored with the target for a later relogin, which may run from another directory.
  if (file) out.idTokenFile = path.resolve(file);
  const azure = str(v['azure-service-connection'])?.trim();
  if (azure) out.azureServiceConnection = azure;
  return out;
}

/** The stored OIDC settings of a target (from login flags), for this login or a later relogin. */
export function oidcOptionsOf(spec: Pick<TargetSpec, 'options'>): OidcOptions | undefined {
  const o = spec.options.oidc;
  return o && typeof o === 'object' && Object.keys(o).length ? (o as OidcOptions) : undefined;
}

/** A context whose CI token source follows the target's OIDC settings, when it has any. */
export function contextFor(ctx: CoreContext, spec: Pick<TargetSpec, 'options'>): CoreContext {
  const oidc = oidcOptionsOf(spec);
  return oidc ? createContext({ ...ctx, oidc, idToken: undefined }) : ctx;
}

import { invalidInput } from '../errors.js';
import { parseJsonSafely } from '../redact.js';
import { printable, type TargetInput } from '../target.js';
import { kebabCase } from '../text.js';

/**
 * The `json` protocol's configuration: where to POST, what JSON body to send (with placeholders
 * filled in at login time), and where the token, its expiry and a refresh token sit in the answer.
 * Three named recipes fill in the usual services; every field can still be overridden.
 */
export const JSON_RECIPES = ['vault', 'pypi', 'jwt-service'] as const;
export type JsonRecipe = (typeof JSON_RECIPES)[number];

export const EXPIRY_KINDS = ['seconds', 'unix', 'date'] as const;
export type ExpiryKind = (typeof EXPIRY_KINDS)[number];

/** Placeholders a body value may contain; each is filled in just before the request is sent. */
export const LOGIN_PLACEHOLDERS = ['jwt', 'username', 'password', 'audience'] as const;
export const REFRESH_PLACEHOLDERS = ['refreshToken', 'token', 'username', 'audience'] as const;

export type JsonTemplate = { [key: string]: JsonTemplateValue };
export type JsonTemplateValue = string | number | boolean | null | JsonTemplate | JsonTemplateValue[];

/** The resolved configuration, as stored with the target (no secrets: placeholders only). */
export interface JsonLoginConfig {
  recipe?: JsonRecipe;
  loginPath: string;
  body: JsonTemplate;
  tokenField: string;
  expiryField?: string;
  expiryKind?: ExpiryKind;
  refreshTokenField?: string;
  refreshPath?: string;
  refreshBody?: JsonTemplate;
  checkPath?: string;
  /** PyPI-style audience discovery: GET this path and use its `audience` as the OIDC audience. */
  audiencePath?: string;
}

/** What users give (flags, Action inputs, library objects), before recipes are applied. */
export interface JsonLoginInput {
  recipe?: string;
  loginPath?: string;
  /** `FIELD=VALUE` or `FIELD:=JSON` pairs (dotted FIELD nests), or a JSON object (text or value). */
  body?: string | string[] | JsonTemplate;
  tokenField?: string;
  expiryField?: string;
  expiryKind?: string;
  refreshTokenField?: string;
  refreshPath?: string;
  refreshBody?: string | string[] | JsonTemplate;
  checkPath?: string;
  audiencePath?: string;
}

export type JsonLabel = (key: keyof JsonLoginInput) => string;

interface Recipe {
  config: Omit<JsonLoginConfig, 'recipe'>;
  /** The OIDC audience the service usually expects, when the user gives none. */
  audience?: string;
  /** Body fields the user must add (e.g. the JWT service's `domain`). */
  requiredBody?: string[];
}

export const RECIPES: Record<JsonRecipe, Recipe> = {
  // HashiCorp Vault JWT auth: POST /v1/auth/<mount>/login {role, jwt} → auth.client_token, lease_duration (s).
  vault: {
    config: {
      loginPath: '/v1/auth/jwt/login',
      body: { jwt: '{jwt}' },
      tokenField: 'auth.client_token',
      expiryField: 'auth.lease_duration',
      expiryKind: 'seconds',
    },
    audience: 'vault',
  },
  // PyPI Trusted Publishing: GET /_/oidc/audience, then POST /_/oidc/mint-token {token} → {token, expires}.
  pypi: {
    config: {
      audiencePath: '/_/oidc/audience',
      loginPath: '/_/oidc/mint-token',
      body: { token: '{jwt}' },
      tokenField: 'token',
      expiryField: 'expires',
      expiryKind: 'unix',
    },
  },
  // A JWT auth service: POST /auth/login {domain, username, password} → {token, refreshToken}.
  'jwt-service': {
    config: {
      loginPath: '/auth/login',
      body: { username: '{username}', password: '{password}' },
      tokenField: 'token',
      refreshTokenField: 'refreshToken',
      refreshPath: '/auth/refresh',
      refreshBody: { refreshToken: '{refreshToken}' },
      checkPath: '/auth/check',
    },
    requiredBody: ['domain'],
  },
};

/** How each input is named on the command line. */
export const cliJsonLabel: JsonLabel = (key) =>
  ({
    recipe: '--json-recipe',
    loginPath: '--login-path',
    body: '--body',
    tokenField: '--token-field',
    expiryField: '--expiry-field',
    expiryKind: '--expiry-kind',
    refreshTokenField: '--refresh-token-field',
    refreshPath: '--refresh-path',
    refreshBody: '--refresh-body',
    checkPath: '--check-path',
    audiencePath: '--audience-path',
  })[key];

/** How each input is named in the Action (`json-login-path`, ...). */
export const actionJsonLabel: JsonLabel = (key) => `\`json-${kebabCase(key)}\``;

/**
 * Apply the recipe and the user's overrides to a target's input: returns the input with
 * `protocol: json`, the recipe's default audience when none was given, and `options.json` set to
 * the resolved configuration. Everything is checked here, before anything is sent.
 */
export function prepareJsonTarget(input: TargetInput, raw: JsonLoginInput, label: JsonLabel): TargetInput {
  const protocol = (input.protocol ?? '').trim();
  if (protocol && protocol !== 'json') {
    throw invalidInput(
      `${label('recipe')} and the other json-login settings need protocol "json", not "${printable(protocol)}".`,
    );
  }
  const recipeName = raw.recipe?.trim() || undefined;
  if (recipeName && !(JSON_RECIPES as readonly string[]).includes(recipeName)) {
    throw invalidInput(
      `${label('recipe')} "${printable(recipeName)}" is not one of: ${JSON_RECIPES.join(', ')}.`,
    );
  }
  const recipe = recipeName ? RECIPES[recipeName as JsonRecipe] : undefined;
  const explicitAudience = !!input.audience?.trim();
  const base: Partial<JsonLoginConfig> = recipe ? structuredClone(recipe.config) : {};

  const path = (key: 'loginPath' | 'refreshPath' | 'checkPath' | 'audiencePath') => {
    const v = raw[key]?.trim();
    if (v === undefined || v === '') return base[key];
    if (!/^\/[^\s]*$/.test(v) && !/^https?:\/\/\S+$/.test(v)) {
      throw invalidInput(
        `${label(key)} "${printable(v)}" must be a path starting with "/" (joined to the target URL) or an absolute https:// URL.`,
      );
    }
    return v;
  };
  const field = (key: 'tokenField' | 'expiryField' | 'refreshTokenField') => {
    const v = raw[key]?.trim();
    if (v === undefined || v === '') return base[key];
    if (!/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(v)) {
      throw invalidInput(
        `${label(key)} "${printable(v)}" is not a field path: use dotted names such as auth.client_token.`,
      );
    }
    return v;
  };

  const config: JsonLoginConfig = {
    ...(recipeName ? { recipe: recipeName as JsonRecipe } : {}),
    loginPath: path('loginPath') ?? '',
    body: mergeTemplate(base.body ?? {}, parseTemplate(raw.body, label('body'))),
    tokenField: field('tokenField') ?? 'token',
  };
  if (!config.loginPath) {
    throw invalidInput(
      `${label('loginPath')} is required with protocol "json" (or pick a recipe with ${label('recipe')}: ${JSON_RECIPES.join(', ')}).`,
    );
  }
  const optional = {
    expiryField: field('expiryField'),
    expiryKind: raw.expiryKind?.trim() || base.expiryKind,
    refreshTokenField: field('refreshTokenField'),
    refreshPath: path('refreshPath'),
    checkPath: path('checkPath'),
    // An audience the user chose wins over asking the service.
    audiencePath: explicitAudience ? undefined : path('audiencePath'),
  };
  if (optional.expiryKind && !(EXPIRY_KINDS as readonly string[]).includes(optional.expiryKind)) {
    throw invalidInput(
      `${label('expiryKind')} "${printable(optional.expiryKind)}" is not one of: ${EXPIRY_KINDS.join(', ')}.`,
    );
  }
  for (const [k, v] of Object.entries(optional)) if (v) (config as unknown as Record<string, unknown>)[k] = v;
  const refreshBody =
    raw.refreshBody !== undefined ? parseTemplate(raw.refreshBody, label('refreshBody')) : undefined;
  if (config.refreshPath) {
    config.refreshBody = mergeTemplate(base.refreshBody ?? {}, refreshBody ?? {});
    if (Object.keys(config.refreshBody).length === 0) config.refreshBody = { refreshToken: '{refreshToken}' };
    config.refreshTokenField ??= 'refreshToken';
    checkPlaceholders(config.refreshBody, REFRESH_PLACEHOLDERS, label('refreshBody'));
  } else if (refreshBody) {
    throw invalidInput(`${label('refreshBody')} needs ${label('refreshPath')} as well.`);
  }
  checkPlaceholders(config.body, LOGIN_PLACEHOLDERS, label('body'));
  for (const f of recipe?.requiredBody ?? []) {
    if (!(f in config.body)) {
      throw invalidInput(
        `${label('recipe')} "${recipeName}" needs a "${f}" field in the login body: add ${label('body')} ${f}=VALUE.`,
      );
    }
  }
  const audience = explicitAudience ? input.audience : recipe?.audience;
  return {
    ...input,
    protocol: 'json',
    ...(audience ? { audience } : {}),
    options: { ...(input.options ?? {}), json: config },
  };
}

/** Which placeholders a method needs in the login body (checked once the method is known). */
export function checkBodyForMethod(config: JsonLoginConfig, method: string, label: JsonLabel): void {
  const used = placeholdersIn(config.body);
  if (method === 'oidc' && !used.has('jwt')) {
    throw invalidInput(
      `method "oidc" sends the CI's OIDC token, but the json login body has no {jwt} placeholder: add ${label('body')} FIELD={jwt}.`,
    );
  }
  if (method === 'password' && !used.has('password')) {
    throw invalidInput(
      `method "password" needs a {password} placeholder in the json login body: add ${label('body')} password={password}.`,
    );
  }
}

/** `FIELD=VALUE` (a string), `FIELD:=JSON` (any JSON value); a dotted FIELD nests. Or a JSON object. */
export function parseTemplate(value: JsonLoginInput['body'], label: string): JsonTemplate {
  if (value === undefined) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value;
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (text?.startsWith('{')) {
    const parsed = parseJsonSafely(text);
    if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
      throw invalidInput(`${label} is not a JSON object: give FIELD=VALUE lines or a JSON object.`);
    }
    return parsed.value as JsonTemplate;
  }
  const lines = Array.isArray(value) ? value : (text ?? '').split('\n');
  const out: JsonTemplate = {};
  for (const line of lines.map((l) => l.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)(:?=)([\s\S]*)$/.exec(line);
    if (!m) {
      throw invalidInput(
        `${label} "${printable(line)}" is not FIELD=VALUE (or FIELD:=JSON for numbers, booleans, lists).`,
      );
    }
    const [, key, op, raw] = m as unknown as [string, string, string, string];
    let v: JsonTemplateValue = raw;
    if (op === ':=') {
      const parsed = parseJsonSafely(raw);
      if (!parsed.ok) throw invalidInput(`${label} ${key}:= needs a JSON value, e.g. ${key}:=true.`);
      v = parsed.value as JsonTemplateValue;
    }
    setDotted(out, key, v);
  }
  return out;
}

function setDotted(obj: JsonTemplate, dotted: string, value: JsonTemplateValue): void {
  const parts = dotted.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (!next || typeof next !== 'object' || Array.isArray(next)) cur[p] = {};
    cur = cur[p] as JsonTemplate;
  }
  cur[parts[parts.length - 1]!] = value;
}

function mergeTemplate(base: JsonTemplate, over: JsonTemplate): JsonTemplate {
  const out: JsonTemplate = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      b && v && typeof b === 'object' && typeof v === 'object' && !Array.isArray(b) && !Array.isArray(v)
        ? mergeTemplate(b, v)
        : v;
  }
  return out;
}

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

function placeholdersIn(t: JsonTemplateValue): Set<string> {
  const found = new Set<string>();
  const walk = (v: JsonTemplateValue) => {
    if (typeof v === 'string') for (const m of v.matchAll(PLACEHOLDER)) found.add(m[1]!);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(t);
  return found;
}

function checkPlaceholders(t: JsonTemplate, allowed: readonly string[], label: string): void {
  for (const p of placeholdersIn(t)) {
    if (!allowed.includes(p)) {
      throw invalidInput(
        `${label} uses the placeholder {${printable(p)}}, which is not one of: ${allowed.map((a) => `{${a}}`).join(', ')}.`,
      );
    }
  }
}

/** Fill the placeholders in (validated earlier, so only known names appear; an unknown value is empty). */
export function fillTemplate(t: JsonTemplate, values: Record<string, string | undefined>): JsonTemplate {
  const fill = (v: JsonTemplateValue): JsonTemplateValue => {
    if (typeof v === 'string') return v.replace(PLACEHOLDER, (_all, name: string) => values[name] ?? '');
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return fill(t) as JsonTemplate;
}

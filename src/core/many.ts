/**
 * Several targets in one step: the Action's `targets` input and the CLI's `login --targets-file`.
 *
 * The list is parsed and every item validated before anything is sent (one bad item: exit 2,
 * nothing sent). Logins then run in parallel, at most `concurrency` at a time; each finished
 * grant joins the next group commit, so a step of 50 targets writes the store a handful of times
 * rather than 50. A target that fails leaves nothing behind (login.ts rolls its files back),
 * and the others carry on. The step's exit code is the most severe outcome (errors.mostSevere).
 */
import type { CoreContext } from './context.js';
import type { HttpResponse } from './http.js';
import { EXIT_CODES, invalidInput, mostSevere, toFailure, type Outcome } from './errors.js';
import { checkFormats, obtainGrant, saveGrants, type LoginResult, type PendingGrant } from './login.js';
import { protocolFor } from './protocols/index.js';
import type { JsonLoginInput } from './protocols/json-config.js';
import type { SecretRegistry } from './redact.js';
import { envValue, readStore, updateStore, type Env } from './store.js';
import { storeWriteOptions } from './store-dir.js';
import {
  printable,
  resolveTarget,
  validateTargetName,
  type Credentials,
  type InputLabel,
  type TargetInput,
  type TargetSpec,
} from './target.js';
import { kebabCase } from './text.js';
import { readToolOptions, TOOL_OPTIONS } from './tool-options.js';

/**
 * Logins in flight at once, unless DEPLOY_LOGIN_CONCURRENCY or --concurrency say otherwise. A
 * login waits on the network and costs a few ms of CPU, so 64 lets a step of 50 targets take one
 * round of round trips (bench/multi.mjs); a target that cannot take that many answers 429 and the
 * jittered Retry-After retries spread the load (the storm test).
 */
export const DEFAULT_CONCURRENCY = 64;
export const MAX_CONCURRENCY = 256;
/** More than this in one step is more likely a mistake (or a YAML bomb) than a plan. */
export const MAX_TARGETS = 1000;

/** Item keys (kebab-case, like the Action's inputs) and the TargetInput field each fills. */
const STRING_KEYS = {
  target: 'target',
  url: 'url',
  method: 'method',
  username: 'username',
  audience: 'audience',
  protocol: 'protocol',
  'token-endpoint': 'tokenEndpoint',
  insecure: 'insecure',
  'client-id': 'clientId',
  scope: 'scope',
} as const satisfies Record<string, keyof TargetInput>;

/** The json protocol's keys, as the Action's json-* inputs name them. */
const JSON_KEYS = {
  'json-recipe': 'recipe',
  'json-login-path': 'loginPath',
  'json-body': 'body',
  'json-token-field': 'tokenField',
  'json-expiry-field': 'expiryField',
  'json-expiry-kind': 'expiryKind',
  'json-refresh-path': 'refreshPath',
  'json-check-path': 'checkPath',
} as const satisfies Record<string, keyof JsonLoginInput>;

const SECRET_KEYS = {
  password: 'password',
  token: 'token',
  'client-secret': 'clientSecret',
} as const satisfies Record<string, keyof Credentials>;

const ALL_KEYS = [
  ...Object.keys(STRING_KEYS),
  'format',
  ...Object.keys(SECRET_KEYS),
  ...Object.keys(SECRET_KEYS).map((k) => `${k}-env`),
  ...TOOL_OPTIONS.map((t) => t.name),
  ...Object.keys(JSON_KEYS),
];

export interface TargetListOptions {
  /** How the list is named in messages: "`targets`" in the Action, "--targets-file deploy.yml" in the CLI. */
  label: string;
  /** What every item starts from (the step's other inputs, the CLI's flags); an item's own keys win. */
  defaults?: { input: TargetInput; creds: Credentials; json?: JsonLoginInput };
  /**
   * Whether password/token/client-secret may be written in the list itself. In a workflow they
   * come from `${{ secrets.X }}`; a file on disk gets committed and copied, so there only the
   * `*-env` keys (naming an environment variable) are accepted.
   */
  inlineSecrets: boolean;
  env: Env;
  allowHttp: boolean;
  /** Every secret found is registered here before any message can quote it. */
  secrets: SecretRegistry;
}

export interface TargetItem {
  index: number;
  spec: TargetSpec;
  creds: Credentials;
}

type Raw = Record<string, unknown>;

/** Parse and validate the whole list; throws invalid-input naming the item and key (`targets[2].url`). */
export async function parseTargetList(text: string, o: TargetListOptions): Promise<TargetItem[]> {
  const raw = await parseYamlList(text, o.label);
  const at = (i: number) => `${o.label}[${i}]`;
  // Mask first: every secret value in the list, before any item is checked and any error printed.
  for (const item of raw) {
    if (!isMapping(item)) continue;
    for (const key of Object.keys(SECRET_KEYS)) {
      const v = item[key];
      if (typeof v === 'string') o.secrets.add(v);
      const name = item[`${key}-env`];
      if (typeof name === 'string') o.secrets.add(envValue(o.env, name.trim()));
    }
  }
  if (raw.length === 0) throw invalidInput(`${o.label} is an empty list: give at least one target.`);
  if (raw.length > MAX_TARGETS)
    throw invalidInput(
      `${o.label} has ${raw.length} items; at most ${MAX_TARGETS} are supported in one step.`,
    );

  const items: TargetItem[] = [];
  for (const [i, item] of raw.entries()) items.push(await toItem(item, i, o));
  const seen = new Map<string, number>();
  for (const it of items) {
    const first = seen.get(it.spec.name);
    if (first !== undefined) {
      throw invalidInput(
        `${at(it.index)}.target "${it.spec.name}" is already used by ${at(first)}: give each target its own name (it names the stored credential).`,
      );
    }
    seen.set(it.spec.name, it.index);
  }
  // Everything a login would refuse later is refused now, before anything is sent.
  for (const it of items) {
    const label = itemLabel(at(it.index));
    checkFormats(it.spec, label('format'));
    await protocolFor(it.spec, label('protocol'));
  }
  return items;
}

async function parseYamlList(text: string, label: string): Promise<unknown[]> {
  const { parseDocument } = await import('yaml');
  // failsafe: every scalar stays a string, so a password such as 0123 or a `yes` is never
  // turned into a number or a boolean; `<<` merge keys let items share a block of settings.
  const doc = parseDocument(text, { schema: 'failsafe', merge: true, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    // The library's message quotes the offending line, which may hold a secret: say where, not what.
    const pos = err.linePos?.[0];
    const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    const why = err.code.toLowerCase().replace(/_/g, ' ');
    throw invalidInput(`${label} is not valid YAML${where} (${why}): give a list of target mappings.`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    // An alias to no anchor, or an alias bomb past maxAliasCount: the library throws while resolving.
    throw invalidInput(
      `${label} is not valid YAML (an alias (*name) that cannot be resolved): give a list of target mappings.`,
    );
  }
  if (!Array.isArray(value)) {
    throw invalidInput(
      `${label} must be a YAML list of targets, each starting with "- " (e.g. "- target: staging" then "  url: https://...").`,
    );
  }
  return value;
}

const isMapping = (v: unknown): v is Raw => !!v && typeof v === 'object' && !Array.isArray(v);

function itemLabel(prefix: string): InputLabel {
  return (key) => `${prefix}.${kebabCase(key)}`;
}

async function toItem(item: unknown, index: number, o: TargetListOptions): Promise<TargetItem> {
  const prefix = `${o.label}[${index}]`;
  const label = itemLabel(prefix);
  if (!isMapping(item)) {
    throw invalidInput(
      `${prefix} must be a mapping of keys such as target, url and method, not a ${kindOf(item)}.`,
    );
  }
  for (const key of Object.keys(item)) {
    if (!ALL_KEYS.includes(key)) {
      throw invalidInput(
        `${prefix} has an unknown key "${printable(key)}": valid keys are ${ALL_KEYS.join(', ')}.`,
      );
    }
  }
  const str = (key: string): string | undefined => {
    const v = item[key];
    if (v === undefined || v === '' || v === null) return undefined;
    if (typeof v !== 'string')
      throw invalidInput(`${prefix}.${key} must be a single value, not a ${kindOf(v)}.`);
    return v;
  };

  const input: TargetInput = {
    ...(o.defaults?.input ?? {}),
    options: { ...(o.defaults?.input.options ?? {}) },
  };
  delete input.target;
  delete input.url;
  for (const [key, field] of Object.entries(STRING_KEYS)) {
    const v = str(key);
    if (v !== undefined) (input as Record<string, unknown>)[field] = v;
  }
  // docker-server, npm-registry, kube-*...: checked and stored exactly as the single-target inputs are.
  Object.assign(
    input.options!,
    readToolOptions(str, (name) => `${prefix}.${name}`, o.env),
  );
  const format = item.format;
  if (format !== undefined && format !== '') {
    if (Array.isArray(format) && format.every((f) => typeof f === 'string')) input.format = format;
    else if (typeof format === 'string') input.format = format;
    else throw invalidInput(`${prefix}.format must be a list of formats or a comma-separated string.`);
  }

  const creds = secretsOf(prefix, str, o);
  if (!input.target) input.target = nameFromUrl(input.url);
  if (input.target) validateTargetName(input.target.trim(), label('target'));
  const json: JsonLoginInput = { ...(o.defaults?.json ?? {}) };
  for (const [key, field] of Object.entries(JSON_KEYS)) {
    const v = item[key];
    if (field === 'body' && Array.isArray(v) && v.every((x) => typeof x === 'string')) json.body = v;
    else if (field === 'body' && isMapping(v)) json.body = JSON.stringify(v);
    else if (str(key) !== undefined) json[field] = str(key);
  }
  const jsonInUse = Object.values(json).some((v) => v !== undefined && v !== '');
  const resolved =
    jsonInUse || (input.protocol ?? '').trim() === 'json'
      ? (await import('./protocols/json-config.js')).prepareJsonTarget(
          input,
          json,
          (key) => `${prefix}.json-${kebabCase(key)}`,
        )
      : input;
  const spec = resolveTarget(resolved, creds, { label, allowHttp: o.allowHttp });
  return { index, spec, creds };
}

function secretsOf(
  prefix: string,
  str: (key: string) => string | undefined,
  o: TargetListOptions,
): Credentials {
  const own: Credentials = {};
  let gaveAny = false;
  for (const [key, field] of Object.entries(SECRET_KEYS)) {
    const inline = str(key);
    const envName = str(`${key}-env`)?.trim();
    if (inline !== undefined && envName !== undefined) {
      throw invalidInput(`${prefix} gives both ${key} and ${key}-env: keep one.`);
    }
    if (inline !== undefined) {
      if (!o.inlineSecrets) {
        throw invalidInput(
          `${prefix}.${key}: secrets are not read from a targets file (files get committed and copied): use ${key}-env: VARIABLE to name an environment variable that holds it.`,
        );
      }
      own[field] = inline;
      gaveAny = true;
    }
    if (envName !== undefined) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(envName)) {
        throw invalidInput(
          `${prefix}.${key}-env "${printable(envName)}" is not an environment variable name.`,
        );
      }
      const value = envValue(o.env, envName);
      if (!value) {
        throw invalidInput(
          `${prefix}.${key}-env names ${envName}, which is not set or empty: set it (in a workflow, under env: from a secret).`,
        );
      }
      own[field] = value;
      gaveAny = true;
    }
  }
  // An item with a secret of its own inherits none: a step-wide token must not turn an item's
  // `method: auto` with a username into a token login.
  return gaveAny ? own : { ...(o.defaults?.creds ?? {}) };
}

/** An item without `target` is named after its URL's host (`ghcr.io`, `127.0.0.1-8080`). */
function nameFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url.trim()).host.replace(/[^A-Za-z0-9._-]/g, '-') || undefined;
  } catch {
    return undefined;
  }
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (v && typeof v === 'object') return 'mapping';
  return 'value';
}

/** DEPLOY_LOGIN_CONCURRENCY / --concurrency: a whole number from 1 to MAX_CONCURRENCY. */
export function parseConcurrency(value: string | undefined, label: string): number {
  if (value === undefined || value.trim() === '') return DEFAULT_CONCURRENCY;
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
    throw invalidInput(
      `${label} must be a whole number from 1 to ${MAX_CONCURRENCY}, not "${printable(value)}".`,
    );
  }
  return n;
}

export interface LogLine {
  level: 'info' | 'warn';
  text: string;
}

export interface TargetResult {
  index: number;
  target: string;
  url: string;
  method: TargetSpec['method'];
  outcome: Outcome;
  exitCode: number;
  expiresAt?: string;
  /** The failure, one sentence (not yet redacted: print it through the secret registry). */
  error?: string;
  /** Only for bugs: the stack, for debug output. */
  stack?: string;
  /** HTTP attempts this login made (retries included). */
  attempts: number;
  durationMs: number;
  login?: LoginResult;
  /** This target's progress lines, to print together once it is done (parallel output would interleave). */
  log: LogLine[];
}

export interface ManyOptions {
  concurrency: number;
  /**
   * A context for one target: its own log sink and HTTP client, the shared store and secrets;
   * `shared` goes into createContext, so targets of the step discover a common server once.
   */
  contextFor(
    item: TargetItem,
    sink: (line: LogLine) => void,
    shared: { metadataCache: Map<string, Promise<HttpResponse>> },
  ): CoreContext;
  /** Called once per target as soon as it is finished, in the order they finish. */
  onDone?(result: TargetResult): void;
}

/**
 * Log in to every item, at most `concurrency` at a time. Never throws for a target's failure:
 * each target gets its own outcome. Results come back in list order.
 */
export async function loginMany(
  items: TargetItem[],
  store: CoreContext,
  o: ManyOptions,
): Promise<TargetResult[]> {
  const results: TargetResult[] = new Array(items.length);
  const hadCurrent = await currentOf(store);
  // The limit is on logins talking to targets; writing files does not hold a slot, so the next
  // login starts while the previous one's files are written.
  const slots = semaphore(Math.max(1, o.concurrency));
  const commit = groupCommit(store, slots);
  // Targets with the same audience share one CI token: one request to the CI, not one per target.
  const idTokens = new Map<string, Promise<string>>();
  const metadataCache = new Map<string, Promise<HttpResponse>>();

  const one = async (item: TargetItem): Promise<TargetResult> => {
    await slots.acquire();
    const started = Date.now();
    const log: LogLine[] = [];
    const ctx = o.contextFor(item, (l) => log.push(l), { metadataCache });
    const fetchIdToken = ctx.idToken;
    ctx.idToken = (audience) => {
      let p = idTokens.get(audience);
      if (!p) idTokens.set(audience, (p = fetchIdToken(audience)));
      return p;
    };
    const base = {
      index: item.index,
      target: item.spec.name,
      url: item.spec.url,
      method: item.spec.method,
      log,
    };
    try {
      let grant;
      try {
        grant = await obtainGrant(item.spec, item.creds, ctx);
      } finally {
        slots.release();
      }
      const login = await commit({ spec: item.spec, grant, ctx });
      return {
        ...base,
        outcome: 'success',
        exitCode: 0,
        ...(login.expiresAt ? { expiresAt: login.expiresAt } : {}),
        attempts: ctx.http.attempts,
        durationMs: Date.now() - started,
        login,
      };
    } catch (err) {
      const f = toFailure(err);
      return {
        ...base,
        ...(f.stack ? { stack: f.stack } : {}),
        outcome: f.outcome,
        exitCode: f.exitCode,
        error: f.message,
        attempts: ctx.http.attempts,
        durationMs: Date.now() - started,
      };
    }
  };

  await Promise.all(
    items.map(async (item, i) => {
      results[i] = await one(item);
      o.onDone?.(results[i]!);
    }),
  );
  if (!hadCurrent) await preferFirst(store, results);
  return results;
}

interface Semaphore {
  acquire(): Promise<void>;
  release(): void;
  /** Logins holding or waiting for a slot. */
  busy(): number;
  /** Resolves once nobody holds or waits for a slot. */
  idle(): Promise<void>;
}

function semaphore(size: number): Semaphore {
  let held = 0;
  const waiting: Array<() => void> = [];
  let idlers: Array<() => void> = [];
  return {
    async acquire() {
      if (held < size) held++;
      else await new Promise<void>((r) => waiting.push(r));
    },
    release() {
      const nextUp = waiting.shift();
      if (nextUp) nextUp();
      else held--;
      if (held === 0) {
        for (const r of idlers) r();
        idlers = [];
      }
    },
    busy: () => held + waiting.length,
    idle: () => (held === 0 ? Promise.resolve() : new Promise<void>((r) => idlers.push(r))),
  };
}

/** The step's exit code: the most severe outcome of all targets (see docs/multi-target.md). */
export function overallOutcome(results: Pick<TargetResult, 'outcome'>[]): {
  outcome: Outcome;
  exitCode: number;
} {
  const outcome = mostSevere(results.map((r) => r.outcome));
  return { outcome, exitCode: EXIT_CODES[outcome] };
}

/**
 * Grants finishing while a store write is under way queue for the next one: one lock, one read
 * and one write of the store per batch however many targets finish together.
 */
const GATHER_MS = 15;

function groupCommit(store: CoreContext, logins: Semaphore): (g: PendingGrant) => Promise<LoginResult> {
  let queue: Array<{ g: PendingGrant; resolve: (r: LoginResult) => void; reject: (e: unknown) => void }> = [];
  let running: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        const saved = await saveGrants(
          batch.map((b) => b.g),
          store,
        );
        saved.forEach((s, i) => ('error' in s ? batch[i]!.reject(s.error) : batch[i]!.resolve(s)));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    running = undefined;
  };
  return (g) =>
    new Promise<LoginResult>((resolve, reject) => {
      queue.push({ g, resolve, reject });
      // Each batch costs a store write and an fsync: while logins are still out, give the ones
      // about to finish a moment (at most GATHER_MS) to join this batch.
      running ??= Promise.race([
        logins.idle(),
        new Promise<void>((r) => setTimeout(r, logins.busy() > 0 ? GATHER_MS : 0)),
      ]).then(flush);
    });
}

async function currentOf(store: CoreContext): Promise<boolean> {
  try {
    const data = await readStore(store.storePath, (d) => d.current ?? []);
    return !!data.current && !!data.targets[data.current];
  } catch {
    return false;
  }
}

/** "current" is the first target of the list that logged in, not whichever finished first. */
async function preferFirst(store: CoreContext, results: TargetResult[]): Promise<void> {
  const first = results.find((r) => r.outcome === 'success');
  if (!first) return;
  const ours = new Set(results.filter((r) => r.outcome === 'success').map((r) => r.target));
  const now = await readStore(store.storePath, (d) => d.current ?? []).catch(() => undefined);
  if (!now || now.current === first.target || !now.current || !ours.has(now.current)) return;
  await updateStore(
    store.storePath,
    (data) => {
      // Only take over a "current" this step set itself; never fight another writer's choice.
      if (data.current && ours.has(data.current) && data.targets[first.target]) data.current = first.target;
    },
    { only: () => first.target, sparse: true, ...storeWriteOptions(store) },
  ).catch(() => undefined);
}

import { protocolDeps, type CoreContext } from './context.js';
import { invalidInput, needsLogin } from './errors.js';
import { writerFor } from './formats/index.js';
import { readIfExists, removeEmptyDirs } from './fsutil.js';
import { localfs } from './localfs.js';
import { isExpired } from './jwt.js';
import { protocolFor } from './protocols/index.js';
import { pickTargetName, readStore, updateStore, type StoreData, type StoredTarget } from './store.js';
import { printable, type Credentials, type TargetSpec } from './target.js';
import { ownerOf, undoToolFile } from './toolfiles.js';
import { storeWriteOptions } from './store-dir.js';

export type CredentialState = 'valid' | 'expired' | 'missing';

export interface TargetStatus {
  target: string;
  state: CredentialState;
  current: boolean;
  url?: string;
  method?: string;
  protocol?: string;
  expiresAt?: string;
  secondsLeft?: number;
  refreshable?: boolean;
  files?: string[];
  /** With the library's `status(..., { verify: true })`: the target accepted the token just now. */
  verified?: boolean;
}

export function describe(
  name: string,
  entry: StoredTarget | undefined,
  data: StoreData,
  now: number,
): TargetStatus {
  if (!entry) return { target: name, state: 'missing', current: data.current === name };
  const expired = isExpired(entry.expiresAt, now, 0);
  return {
    target: name,
    state: expired ? 'expired' : 'valid',
    current: data.current === name,
    url: entry.url,
    method: entry.method,
    protocol: entry.protocol,
    ...(entry.expiresAt
      ? { expiresAt: entry.expiresAt, secondsLeft: Math.floor((Date.parse(entry.expiresAt) - now) / 1000) }
      : {}),
    refreshable: !!entry.refreshToken,
    files: entry.files.map((f) => f.path),
  };
}

export function needsLoginError(s: TargetStatus): Error {
  return s.state === 'missing'
    ? needsLogin(
        `No stored credential for target "${s.target}": run "deploy-login login --target ${s.target}" first.`,
      )
    : needsLogin(`The token for target "${s.target}" expired at ${s.expiresAt}: log in again.`);
}

export async function status(ctx: CoreContext, explicit?: string): Promise<TargetStatus> {
  const data = await readStore(ctx.storePath, (d) => pickTargetName(explicit, ctx.env, d));
  const name = pickTargetName(explicit, ctx.env, data);
  await checkToolFiles(data.targets[name]);
  return describe(name, data.targets[name], data, ctx.now());
}

/**
 * A tool file this target wrote that its tool could no longer read is never passed over in
 * silence: status names it and why (exit 2, the contract), rather than report a credential the
 * deploy would fail to use. A file gone since is not a parse problem; line formats always read.
 */
async function checkToolFiles(entry: StoredTarget | undefined): Promise<void> {
  for (const j of entry?.files ?? []) {
    const writer = writerFor(j.format);
    if (!writer?.parse) continue;
    const text = await readIfExists(j.path);
    if (text === undefined) continue;
    await writer.load?.();
    writer.parse(text, j.path);
  }
}

export async function listTargets(ctx: CoreContext): Promise<TargetStatus[]> {
  const data = await readStore(ctx.storePath);
  return Object.entries(data.targets)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, entry]) => describe(name, entry, data, ctx.now()));
}

/**
 * Whether there is a store at all (a dangling symlink counts: updateStore refuses it). Commands
 * that only change an existing store check first, so one with nothing to change leaves no
 * directory behind in HOME for the lock it would have taken.
 */
const storeExists = async (ctx: CoreContext): Promise<boolean> =>
  (await localfs.lstat(ctx.storePath).catch(() => undefined)) !== undefined;

const noSuchTarget = (name: string) =>
  invalidInput(`There is no stored target "${printable(name)}": "deploy-login targets" lists them.`);

export async function useTarget(ctx: CoreContext, name: string): Promise<void> {
  if (!(await storeExists(ctx))) throw noSuchTarget(name);
  await updateStore(
    ctx.storePath,
    (data) => {
      if (!data.targets[name]) throw noSuchTarget(name);
      data.current = name;
    },
    { only: () => name, sparse: true, ...storeWriteOptions(ctx) },
  );
}

export function specOf(name: string, e: StoredTarget): TargetSpec {
  return {
    name,
    url: e.url,
    method: e.method,
    protocol: e.protocol,
    username: e.username,
    audience: e.audience ?? new URL(e.url).origin,
    tokenEndpoint: e.tokenEndpoint,
    formats: e.formats,
    insecure: e.insecure,
    clientId: e.clientId,
    scope: e.scope,
    options: e.options ?? {},
  };
}

/**
 * The stored credential for a target, refreshed first when it has expired and a refresh token
 * is there. Throws needs-login when there is none, or it expired for good.
 */
export async function usableCredential(
  ctx: CoreContext,
  explicit: string | undefined,
  opts: { refresh?: boolean; creds?: Credentials; beforeRefresh?: () => void } = {},
): Promise<{ name: string; entry: StoredTarget }> {
  const data = await readStore(ctx.storePath, (d) => pickTargetName(explicit, ctx.env, d));
  const name = pickTargetName(explicit, ctx.env, data);
  const entry = data.targets[name];
  const s = describe(name, entry, data, ctx.now());
  if (entry && s.state === 'valid') return { name, entry };
  if (entry && entry.refreshToken && opts.refresh !== false) {
    // The caller's last check before anything is sent (e.g. that `run`'s command exists).
    opts.beforeRefresh?.();
    const refreshed = await refresh(ctx, name, entry, opts.creds ?? {});
    return { name, entry: refreshed };
  }
  throw needsLoginError(s);
}

export async function refresh(
  ctx: CoreContext,
  name: string,
  entry: StoredTarget,
  creds: Credentials,
): Promise<StoredTarget> {
  const spec = specOf(name, entry);
  const protocol = await protocolFor(spec);
  if (!protocol.refresh || !entry.refreshToken) {
    throw needsLogin(`The token for target "${name}" cannot be refreshed: log in again.`);
  }
  ctx.secrets.add(entry.refreshToken);
  const grant = await protocol.refresh(
    { spec, token: entry.token, refreshToken: entry.refreshToken },
    creds,
    protocolDeps(ctx),
  );
  ctx.secrets.add(grant.token);
  ctx.secrets.add(grant.refreshToken);
  const { saveGrant } = await import('./login.js');
  await saveGrant(spec, { ...grant, refreshToken: grant.refreshToken ?? entry.refreshToken }, ctx);
  return (await readStore(ctx.storePath)).targets[name]!;
}

/** The variables a deploy command gets: the token, the target, and each tool file's variable. */
export function deployEnv(
  name: string,
  entry: { token: string; url: string; files: Array<{ exportVar?: { name: string; value: string } }> },
  storePath: string,
): Record<string, string> {
  const vars: Record<string, string> = {
    DEPLOY_LOGIN_TOKEN: entry.token,
    DEPLOY_LOGIN_URL: entry.url,
    DEPLOY_LOGIN_TARGET: name,
    DEPLOY_LOGIN_CONFIG: storePath,
  };
  for (const f of entry.files) if (f.exportVar) vars[f.exportVar.name] = f.exportVar.value;
  return vars;
}

export interface LogoutResult {
  removed: string[];
  restoredFiles: string[];
}

/** Undo a target's tool files (newest first) and drop it from the store; a store left empty is removed. */
export async function logout(
  ctx: CoreContext,
  which: { target?: string; all?: boolean; targets?: string[] },
): Promise<LogoutResult> {
  const result: LogoutResult = { removed: [], restoredFiles: [] };
  if (!(await storeExists(ctx))) return result;
  await updateStore(
    ctx.storePath,
    async (data) => {
      const names = which.all
        ? Object.keys(data.targets).reverse()
        : which.targets
          ? [...which.targets].reverse()
          : [pickTargetName(which.target, ctx.env, data)];
      const madeDirs: Array<string[] | undefined> = [];
      for (const name of names) {
        const entry = data.targets[name];
        if (!entry) continue;
        for (const j of [...entry.files].reverse()) {
          const writer = writerFor(j.format);
          if (writer) {
            await undoToolFile(writer, j, ownerOf(ctx.storePath, name));
            result.restoredFiles.push(j.path);
            madeDirs.push(j.dirs);
          }
        }
        delete data.targets[name];
        result.removed.push(name);
      }
      // Targets logged in together share the directories one of them made (fermyon/ holds each
      // target's file): once all are undone, that one's directories are tried again.
      for (const dirs of madeDirs) await removeEmptyDirs(dirs);
      if (data.current && !data.targets[data.current]) {
        const first = Object.keys(data.targets)[0];
        if (first) data.current = first;
        else delete data.current;
      }
    },
    {
      removeWhenEmpty: true,
      ...storeWriteOptions(ctx),
      // One target's logout checks and changes that entry only; --all checks every entry.
      only: which.all ? undefined : (data) => which.targets ?? pickTargetName(which.target, ctx.env, data),
    },
  );
  return result;
}

import path from 'node:path';
import { isoTime } from './time.js';
import { invalidInput } from './errors.js';
import { checkWritable, makeDirs, removeEmptyDirs } from './fsutil.js';
import type { CoreContext } from './context.js';
import { clockWarnings } from './jwt.js';
import { protocolDeps, storeDir } from './context.js';
import { writerFor } from './formats/index.js';
import { protocolFor } from './protocols/index.js';
import type { Grant } from './protocols/types.js';
import { updateStore, type FileJournal, type StoredTarget } from './store.js';
import { storeWriteOptions } from './store-dir.js';
import type { Credentials, TargetSpec } from './target.js';
import { ownerOf, rollbackWrite, writeToolFile, type FormatContext } from './toolfiles.js';

export interface LoginResult {
  target: string;
  url: string;
  method: TargetSpec['method'];
  token: string;
  expiresAt?: string;
  refreshToken?: string;
  /** Tool files written, in order. */
  files: FileJournal[];
  /** Variables for later steps: the env format's, plus the tools' own path variables. */
  variables: Record<string, string>;
  storePath: string;
}

/** Refuse formats we cannot write, and what they could not hold, before anything is sent. */
export function checkFormats(spec: TargetSpec, label = 'format'): void {
  for (const f of spec.formats) {
    const writer = writerFor(f);
    if (!writer) throw invalidInput(`${label} "${f}" is not available in this version of deploy-login.`);
    writer.check?.(spec);
  }
}

/**
 * The store and every tool file this login will write, checked before anything is sent: a
 * symlinked Spin config or a file where RUNNER_TEMP should be a directory is the user's to fix
 * (exit 2), and finding it only after the exchange spent a token and broke "nothing was sent".
 */
async function checkWritePaths(spec: TargetSpec, ctx: CoreContext): Promise<void> {
  await checkWritable(ctx.storePath);
  const fctx = formatContext(ctx, spec, { token: '' });
  for (const f of spec.formats) await checkWritable(writerFor(f)!.locate(fctx).path);
}

export function formatContext(ctx: CoreContext, spec: TargetSpec, grant: Grant): FormatContext {
  return {
    target: spec,
    token: grant.token,
    username: grant.username ?? spec.username,
    expiresAt: grant.expiresAt,
    refreshToken: grant.refreshToken,
    ...(grant.identityToken ? { identityToken: true } : {}),
    warn: ctx.warn,
    env: ctx.env,
    home: ctx.home,
    platform: ctx.platform,
    storeDir: storeDir(ctx),
  };
}

/**
 * Log in: obtain a token, merge it into each tool file, then record it in the store.
 * On any failure, the tool files written so far are undone: nothing half-written stays.
 */
export async function login(spec: TargetSpec, creds: Credentials, ctx: CoreContext): Promise<LoginResult> {
  return saveGrant(spec, await obtainGrant(spec, creds, ctx), ctx);
}

/** The network half of a login: ask the target for a token (every secret registered on the way). */
export async function obtainGrant(spec: TargetSpec, creds: Credentials, ctx: CoreContext): Promise<Grant> {
  for (const s of [creds.password, creds.token, creds.clientSecret]) ctx.secrets.add(s);
  checkFormats(spec);
  await checkWritePaths(spec, ctx);
  const protocol = await protocolFor(spec);
  const grant = await protocol.obtain(spec, creds, protocolDeps(ctx));
  ctx.secrets.add(grant.token);
  ctx.secrets.add(grant.refreshToken);
  return grant;
}

export async function saveGrant(spec: TargetSpec, grant: Grant, ctx: CoreContext): Promise<LoginResult> {
  const [saved] = await saveGrants([{ spec, grant, ctx }], ctx);
  if ('error' in saved!) throw saved.error;
  return saved!;
}

/** A grant obtained and waiting to be written: its target, and the context it was obtained in. */
export interface PendingGrant {
  spec: TargetSpec;
  grant: Grant;
  ctx: CoreContext;
}

export type SaveOutcome = LoginResult | { error: unknown };

/** Thrown out of the store update to leave the store untouched when every grant failed to save. */
const NOTHING_SAVED = new Error('nothing to save');

/**
 * Write several grants under one hold of the store's lock and with one store write: a step that
 * logs in to 50 targets reads, writes and fsyncs the store once per batch, not 50 times.
 *
 * Lock order is always the store, then a tool file (logout does the same), so concurrent runs
 * cannot deadlock. Each grant's tool files are written or rolled back on their own; if the store
 * write itself fails, every file of the batch is rolled back. Nothing half-written stays.
 */
export async function saveGrants(items: PendingGrant[], storeCtx: CoreContext): Promise<SaveOutcome[]> {
  for (const { grant, ctx } of items)
    for (const w of clockWarnings(grant.token, grant.expiresAt, ctx.now())) ctx.warn(w);
  const outcomes: SaveOutcome[] = items.map(() => ({ error: new Error('not saved') }));
  const done: Array<Array<() => Promise<void>>> = [];
  // A first login that fails after the exchange must not leave an empty store (nor its directory).
  const storeDirs = await makeDirs(path.dirname(storeCtx.storePath));
  try {
    await updateStore(
      storeCtx.storePath,
      async (data) => {
        // Targets write their files side by side (each file has its own lock; two targets sharing
        // one, like ~/.docker/config.json, take turns), so a batch waits for its fsyncs together.
        await Promise.all(
          items.map(async (item, i) => {
            const owner = ownerOf(storeCtx.storePath, item.spec.name);
            const previous = data.targets[item.spec.name]?.files ?? [];
            const undo: Array<() => Promise<void>> = [];
            try {
              const { result, entry } = await writeFiles(item, previous, owner, undo);
              data.targets[item.spec.name] = entry;
              outcomes[i] = result;
              done.push(undo);
            } catch (err) {
              for (const step of undo.reverse()) await step().catch(() => undefined);
              outcomes[i] = { error: err };
            }
          }),
        );
        const first = items.find((_, i) => !('error' in outcomes[i]!));
        // Nothing to record: the store stays as it was (or absent), not rewritten.
        if (!first) throw NOTHING_SAVED;
        if (!data.current || !data.targets[data.current]) data.current = first.spec.name;
      },
      {
        replaceCorrupt: storeCtx.warn,
        ...storeWriteOptions(storeCtx),
        only: () => items.map((item) => item.spec.name),
        sparse: true,
      },
    );
  } catch (err) {
    if (err === NOTHING_SAVED) {
      await removeEmptyDirs(storeDirs);
      return outcomes;
    }
    for (const undo of done) for (const step of undo.reverse()) await step().catch(() => undefined);
    await removeEmptyDirs(storeDirs);
    return items.map(() => ({ error: err }));
  }
  return outcomes;
}

async function writeFiles(
  { spec, grant, ctx }: PendingGrant,
  previous: FileJournal[],
  owner: string,
  undo: Array<() => Promise<void>>,
): Promise<{ result: LoginResult; entry: StoredTarget }> {
  const fctx = formatContext(ctx, spec, grant);
  const written: FileJournal[] = [];
  const variables: Record<string, string> = {};
  for (const format of spec.formats) {
    const writer = writerFor(format)!;
    const earlier = previous.find((j) => j.format === format);
    const write = await writeToolFile(writer, fctx, earlier, owner);
    written.push(write.journal);
    undo.push(() => rollbackWrite(writer, write, owner));
    if (write.journal.exportVar) variables[write.journal.exportVar.name] = write.journal.exportVar.value;
    Object.assign(variables, writer.variables?.(fctx) ?? {});
  }
  const entry: StoredTarget = {
    url: spec.url,
    protocol: spec.protocol,
    method: spec.method,
    insecure: spec.insecure,
    // A password or CI token that only a tool file may hold is never written to the store.
    token: grant.secretInToolFileOnly ? '' : grant.token,
    ...(grant.secretInToolFileOnly ? { tokenInToolFileOnly: true } : {}),
    ...(grant.expiresAt ? { expiresAt: grant.expiresAt } : {}),
    ...(grant.refreshToken ? { refreshToken: grant.refreshToken } : {}),
    ...(fctx.username ? { username: fctx.username } : {}),
    audience: spec.audience,
    ...(spec.tokenEndpoint ? { tokenEndpoint: spec.tokenEndpoint } : {}),
    ...(spec.clientId ? { clientId: spec.clientId } : {}),
    ...(spec.scope ? { scope: spec.scope } : {}),
    formats: spec.formats,
    ...(Object.keys(spec.options).length ? { options: spec.options } : {}),
    loggedInAt: isoTime(ctx.now()),
    // Files written earlier for formats not asked for this time stay recorded, to be undone later.
    files: [
      ...previous.filter((p) => !written.some((w) => w.path === p.path && w.key === p.key)),
      ...written,
    ],
  };
  const result: LoginResult = {
    target: spec.name,
    url: spec.url,
    method: spec.method,
    token: grant.secretInToolFileOnly ? '' : grant.token,
    expiresAt: grant.expiresAt,
    refreshToken: grant.refreshToken,
    files: written,
    variables,
    storePath: ctx.storePath,
  };
  return { result, entry };
}

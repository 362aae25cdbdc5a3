import { invalidInput } from './errors.js';
import type { CoreContext } from './context.js';
import { storeDir } from './context.js';
import { writerFor } from './formats/index.js';
import { protocolFor } from './protocols/index.js';
import type { Grant } from './protocols/types.js';
import { readStore, updateStore, type FileJournal, type StoredTarget } from './store.js';
import type { Credentials, TargetSpec } from './target.js';
import { rollbackToolFile, writeToolFile, type FormatContext } from './toolfiles.js';

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

/** Refuse formats we cannot write before anything is sent. */
export function checkFormats(spec: TargetSpec, label = 'format'): void {
  for (const f of spec.formats) {
    if (!writerFor(f))
      throw invalidInput(`${label} "${f}" is not available in this version of deploy-login.`);
  }
}

export function formatContext(ctx: CoreContext, spec: TargetSpec, grant: Grant): FormatContext {
  return {
    target: spec,
    token: grant.token,
    username: grant.username ?? spec.username,
    expiresAt: grant.expiresAt,
    refreshToken: grant.refreshToken,
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
  for (const s of [creds.password, creds.token, creds.clientSecret]) ctx.secrets.add(s);
  checkFormats(spec);
  const protocol = await protocolFor(spec);
  const grant = await protocol.obtain(spec, creds, {
    http: ctx.http,
    idToken: ctx.idToken,
    secrets: ctx.secrets,
    env: ctx.env,
    now: ctx.now,
    log: ctx.log,
  });
  ctx.secrets.add(grant.token);
  ctx.secrets.add(grant.refreshToken);
  return saveGrant(spec, grant, ctx);
}

export async function saveGrant(spec: TargetSpec, grant: Grant, ctx: CoreContext): Promise<LoginResult> {
  const fctx = formatContext(ctx, spec, grant);
  const previous = await readPreviousJournal(ctx, spec.name);
  const written: FileJournal[] = [];
  const undo: Array<() => Promise<void>> = [];
  const variables: Record<string, string> = {};
  try {
    for (const format of spec.formats) {
      const writer = writerFor(format)!;
      const earlier = previous.find((j) => j.format === format);
      const { journal: j, before } = await writeToolFile(writer, fctx, earlier);
      written.push(j);
      undo.push(() => rollbackToolFile(j.path, before, j.writtenHash));
      if (j.exportVar) variables[j.exportVar.name] = j.exportVar.value;
      Object.assign(variables, writer.variables?.(fctx) ?? {});
    }
    await updateStore(
      ctx.storePath,
      (data) => {
        const entry: StoredTarget = {
          url: spec.url,
          protocol: spec.protocol,
          method: spec.method,
          insecure: spec.insecure,
          token: grant.token,
          ...(grant.expiresAt ? { expiresAt: grant.expiresAt } : {}),
          ...(grant.refreshToken ? { refreshToken: grant.refreshToken } : {}),
          ...(fctx.username ? { username: fctx.username } : {}),
          audience: spec.audience,
          ...(spec.tokenEndpoint ? { tokenEndpoint: spec.tokenEndpoint } : {}),
          ...(spec.clientId ? { clientId: spec.clientId } : {}),
          ...(spec.scope ? { scope: spec.scope } : {}),
          formats: spec.formats,
          ...(Object.keys(spec.options).length ? { options: spec.options } : {}),
          loggedInAt: new Date(ctx.now()).toISOString(),
          // Files written earlier for formats not asked for this time stay recorded, to be undone later.
          files: [
            ...previous.filter((p) => !written.some((w) => w.path === p.path && w.key === p.key)),
            ...written,
          ],
        };
        data.targets[spec.name] = entry;
        if (!data.current || !data.targets[data.current]) data.current = spec.name;
      },
      { replaceCorrupt: ctx.warn },
    );
  } catch (err) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw err;
  }
  return {
    target: spec.name,
    url: spec.url,
    method: spec.method,
    token: grant.token,
    expiresAt: grant.expiresAt,
    refreshToken: grant.refreshToken,
    files: written,
    variables,
    storePath: ctx.storePath,
  };
}

async function readPreviousJournal(ctx: CoreContext, name: string): Promise<FileJournal[]> {
  try {
    return (await readStore(ctx.storePath)).targets[name]?.files ?? [];
  } catch {
    return [];
  }
}

import path from 'node:path';
import { invalidInput } from '../errors.js';
import { parseJsonSafely } from '../redact.js';
import { UnparseableToolFile, type FormatContext, type FormatWriter } from '../toolfiles.js';
import { loginUser, optionString } from './common.js';

/** Docker Hub is keyed by its legacy index URL in config.json, whatever name the user gave it. */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

/** The `auths` key: the `docker-server` option or the target URL's host[:port]. */
export function dockerRegistryKey(ctx: Pick<FormatContext, 'target'>): string {
  const given = optionString(ctx.target.options, 'dockerServer');
  let host: string;
  try {
    host = new URL(given ? (given.includes('://') ? given : `https://${given}`) : ctx.target.url).host;
  } catch {
    throw invalidInput(`docker-server "${given}" is not a registry host such as ghcr.io or 127.0.0.1:5000.`);
  }
  host = host.toLowerCase();
  return DOCKER_HUB_HOSTS.has(host) ? DOCKER_HUB_KEY : host;
}

type Json = Record<string, unknown>;

function parseConfig(text: string | undefined, file: string): Json {
  if (text === undefined || text.trim() === '') return {};
  const parsed = parseJsonSafely(text);
  if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    throw new UnparseableToolFile(
      `The Docker config ${file} is not a JSON object: fix it or delete it, then log in again.`,
      'it is not a JSON object',
    );
  }
  const config = parsed.value as Json;
  if (
    config.auths !== undefined &&
    (typeof config.auths !== 'object' || Array.isArray(config.auths) || !config.auths)
  ) {
    throw new UnparseableToolFile(
      `The Docker config ${file} has an "auths" that is not an object: fix it or delete it.`,
      'its "auths" is not an object',
    );
  }
  return config;
}

/** Keep the file's own indentation (docker writes tabs), so a diff shows only our entry. */
function serialize(config: Json, existing: string | undefined): string {
  const indent = !existing ? '\t' : /\n\t/.test(existing) ? '\t' : (/\n( +)"/.exec(existing)?.[1] ?? '\t');
  const trailing = existing === undefined || existing.endsWith('\n') ? '\n' : '';
  return JSON.stringify(config, null, indent) + trailing;
}

/**
 * Docker / OCI registry credentials: `auths[host] = {"auth": base64(user:secret)}` in
 * `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`), read by docker, skopeo, buildah,
 * podman, crane... A registry identity token is written the way `docker login` writes one:
 * `{"auth": base64(user:), "identitytoken": TOKEN}`.
 */
export const dockerWriter: FormatWriter = {
  format: 'docker',
  locate(ctx) {
    const dir = ctx.env.DOCKER_CONFIG;
    if (dir) {
      // Exported absolute: later steps may run in another directory than the one it was written from.
      const abs = path.resolve(dir);
      return { path: path.join(abs, 'config.json'), exportVar: { name: 'DOCKER_CONFIG', value: abs } };
    }
    return { path: path.join(ctx.home, '.docker', 'config.json') };
  },
  check(target) {
    dockerRegistryKey({ target });
    registryUser(target);
  },
  upsert(existing, ctx) {
    const file = dockerWriter.locate(ctx).path;
    const config = parseConfig(existing, file);
    const key = dockerRegistryKey(ctx);
    const user = registryUser(ctx);
    const auths = (config.auths ?? {}) as Json;
    const previous = entryOf(config, key);
    auths[key] = ctx.identityToken
      ? { auth: Buffer.from(`${user}:`).toString('base64'), identitytoken: ctx.token }
      : { auth: Buffer.from(`${user}:${ctx.token}`).toString('base64') };
    config.auths = auths;
    warnIfShadowed(config, key, file, ctx.warn);
    return { content: serialize(config, existing), key, previousEntry: previous };
  },
  entryAt(content, key) {
    return entryOf(parseConfig(content, 'the Docker config'), key);
  },
  parse(content, file) {
    parseConfig(content, file);
  },
  remove(existing, key, previousEntry) {
    const config = parseConfig(existing, 'the Docker config');
    const auths = (config.auths ?? {}) as Json;
    if (previousEntry !== null) auths[key] = JSON.parse(previousEntry) as unknown;
    else delete auths[key];
    config.auths = auths;
    const empty = Object.keys(auths).length === 0 && Object.keys(config).length === 1;
    return { content: serialize(config, existing), empty };
  },
};

function registryUser(ctx: Pick<FormatContext, 'username'>): string {
  const user = loginUser(ctx, 'docker');
  if (user.includes(':')) {
    throw invalidInput(
      `The username "${user.slice(0, 40)}" contains ":", which a registry login cannot carry.`,
    );
  }
  return user;
}

/** `auths[key]` serialized (the form upsert reports as previousEntry), null when absent. */
function entryOf(config: Json, key: string): string | null {
  const auths = (config.auths ?? {}) as Json;
  return Object.hasOwn(auths, key) ? JSON.stringify(auths[key]) : null;
}

/** docker (and skopeo for credHelpers) ask a credential helper first: our `auths` entry would be ignored. */
function warnIfShadowed(config: Json, key: string, file: string, warn?: (line: string) => void): void {
  if (!warn) return;
  const helpers = config.credHelpers as Json | undefined;
  const helper = helpers && typeof helpers === 'object' ? helpers[key] : undefined;
  if (typeof helper === 'string') {
    warn(
      `${file} sends ${key} to the credential helper "docker-credential-${helper}" (credHelpers), which takes precedence over the entry deploy-login wrote: remove it, or set DOCKER_CONFIG to a fresh directory.`,
    );
  } else if (typeof config.credsStore === 'string' && config.credsStore) {
    warn(
      `${file} sets credsStore "${config.credsStore}": docker reads credentials from that helper instead of "auths", so the entry deploy-login wrote for ${key} may be ignored: remove credsStore, or set DOCKER_CONFIG to a fresh directory.`,
    );
  }
}

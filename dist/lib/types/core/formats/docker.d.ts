import { type FormatContext, type FormatWriter } from '../toolfiles.js';
/** The `auths` key: the `docker-server` option or the target URL's host[:port]. */
export declare function dockerRegistryKey(ctx: Pick<FormatContext, 'target'>): string;
/**
 * Docker / OCI registry credentials: `auths[host] = {"auth": base64(user:secret)}` in
 * `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`), read by docker, skopeo, buildah,
 * podman, crane... A registry identity token is written the way `docker login` writes one:
 * `{"auth": base64(user:), "identitytoken": TOKEN}`.
 */
export declare const dockerWriter: FormatWriter;

import { type FormatWriter } from '../toolfiles.js';
declare const LISTS: readonly ["clusters", "users", "contexts"];
type ListName = (typeof LISTS)[number];
/** Names of our three items: the context is the target's name; cluster and user say who made them. */
export declare function kubeNames(target: string): Record<ListName, string>;
/** `certificate-authority-data`: the `kube-ca-data` option (base64 or PEM), else the `kube-ca-file` read now. */
export declare function kubeCaData(options: Record<string, unknown>): string | undefined;
/**
 * kubeconfig (`$KUBECONFIG`'s first file, else `~/.kube/config`): a cluster
 * (`deploy-login-<target>`: server = the `kube-server` option or the target URL, CA from
 * `kube-ca-data`/`kube-ca-file`, or `insecure-skip-tls-verify` when the target is insecure), a user
 * (`deploy-login-<target>`) with the token, and a context named `<target>` that joins them
 * (namespace from `kube-namespace`). `current-context` is set only when the file has none (or it
 * names a context that does not exist), like a fresh `kubectl config set-context`/`use-context`
 * on an empty config: an existing choice is never changed; use `kubectl --context <target>`.
 */
export declare const kubeconfigWriter: FormatWriter;
export {};

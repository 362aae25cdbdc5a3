/** `client-credentials`: the OAuth client's own credential (a secret, or a key signing RFC 7523 assertions). */
export declare const METHODS: readonly ["auto", "oidc", "password", "token", "device", "client-credentials"];
export type MethodInput = (typeof METHODS)[number];
export type Method = Exclude<MethodInput, 'auto'>;
export declare const PROTOCOLS: readonly ["oauth2", "fermyon", "json", "npm-registry", "docker-registry"];
export type ProtocolName = (typeof PROTOCOLS)[number];
export declare const FORMATS: readonly ["spin", "env", "docker", "npmrc", "netrc", "kubeconfig"];
export type Format = (typeof FORMATS)[number];
/** The credential file a protocol's deploy tool reads, written when `format` is not given. */
export declare const DEFAULT_FORMATS: Partial<Record<ProtocolName, Format[]>>;
/** Raw, user-supplied values, as strings the way inputs and flags arrive. */
export interface TargetInput {
    target?: string;
    url?: string;
    method?: string;
    username?: string;
    audience?: string;
    protocol?: string;
    tokenEndpoint?: string;
    format?: string | string[];
    insecure?: string | boolean;
    clientId?: string;
    scope?: string;
    /** Protocol-specific options (e.g. the `json` protocol's paths), already parsed. */
    options?: Record<string, unknown>;
}
/** The secrets that go with a target; never stored, never printed. */
export interface Credentials {
    password?: string;
    token?: string;
    clientSecret?: string;
}
export interface TargetSpec {
    name: string;
    url: string;
    method: Method;
    protocol: ProtocolName;
    username?: string;
    audience: string;
    tokenEndpoint?: string;
    formats: Format[];
    insecure: boolean;
    clientId?: string;
    scope?: string;
    options: Record<string, unknown>;
}
/** How an input is named to the user: `url` in the Action, `--url` in the CLI, `targets[2].url` in a list. */
export type InputLabel = (key: keyof TargetInput | 'password' | 'token' | 'client-secret') => string;
export declare const actionLabel: InputLabel;
export declare function validateTargetName(name: string, label: string): string;
export declare function parseBoolean(value: string | boolean | undefined, label: string, fallback: boolean): boolean;
/**
 * DEPLOY_LOGIN_ALLOW_HTTP, read the same strict way wherever a URL is checked or a request sent:
 * "true" or "false" (unset: false); anything else is the user's mistake, said as such.
 */
export declare function allowsPlainHttp(env: Record<string, string | undefined>): boolean;
/**
 * The contract's loopback: `localhost`, 127.0.0.0/8 and [::1]. Not names under `.localhost`: RFC
 * 6761 asks resolvers to send them to loopback, but they are looked up like any other name (this
 * machine's resolver finds nothing for them), so one could lead plain http anywhere.
 */
export declare function isLoopbackHost(hostname: string): boolean;
export interface UrlRules {
    allowHttp?: boolean;
}
/** A target URL: absolute http(s), no embedded credentials, plain http only to loopback unless allowed. */
export declare function validateUrl(raw: string, label: string, rules?: UrlRules): string;
export declare function parseFormats(value: string | string[] | undefined, label: string): Format[];
/** `auto` picks token if one is given, else password if a username is, else oidc. */
export declare function resolveMethod(input: string | undefined, creds: Credentials, username: string | undefined, label: string): Method;
export interface ResolveContext {
    label: InputLabel;
    allowHttp?: boolean;
    /** The protocol's own default URL when none is given (e.g. Fermyon Cloud). */
    defaultUrl?: string;
}
export declare function resolveTarget(input: TargetInput, creds: Credentials, ctx: ResolveContext): TargetSpec;
/** Quote user text in an error without letting control characters or huge values through. */
export declare function printable(value: string): string;

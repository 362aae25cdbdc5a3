import type { HttpClient } from '../http.js';
import type { SecretRegistry } from '../redact.js';
import type { Env } from '../store.js';
import type { Credentials, Method, TargetSpec } from '../target.js';
/** What a login yields: the deployment token and what we know about its life. */
export interface Grant {
    token: string;
    expiresAt?: string;
    refreshToken?: string;
    username?: string;
    /** A container registry's identity token (OAuth2 refresh token of its token service): docker's `identitytoken`. */
    identityToken?: boolean;
    /**
     * The credential is a password or a CI token that the tool file must hold (a Basic-auth registry):
     * it goes into that file only, never into the store or an output.
     */
    secretInToolFileOnly?: boolean;
}
/** Fetches the CI's OIDC token for an audience, right before it is exchanged. */
export type IdTokenFetcher = (audience: string) => Promise<string>;
export interface ProtocolDeps {
    http: HttpClient;
    idToken: IdTokenFetcher;
    secrets: SecretRegistry;
    env: Env;
    now: () => number;
    log: (line: string) => void;
    sleep?: (ms: number) => Promise<void>;
}
export interface RefreshInput {
    spec: TargetSpec;
    token: string;
    refreshToken: string;
}
export interface Protocol {
    name: TargetSpec['protocol'];
    methods: Method[];
    obtain(spec: TargetSpec, creds: Credentials, deps: ProtocolDeps): Promise<Grant>;
    refresh?(input: RefreshInput, creds: Credentials, deps: ProtocolDeps): Promise<Grant>;
    /** The two halves of a device login (RFC 8628 or Fermyon's variant), for protocols that have one. */
    device?(spec: TargetSpec, creds: Credentials, deps: ProtocolDeps): Promise<DeviceFlow>;
}
/** What the user is shown, and what the poller needs: one device authorization. */
export interface DeviceAuthorization {
    /** Where the user goes (with the code filled in when the server offers that). */
    verificationUrl: string;
    /** The bare page, where the user types `userCode` (RFC 8628 verification_uri). */
    verificationUri: string;
    deviceCode: string;
    userCode: string;
    /** Seconds the code lives. */
    expiresIn: number;
    /** Seconds to wait between polls. */
    interval: number;
}
/** One poll's answer. Denied and expired codes are thrown as needs-login errors. */
export type DevicePoll = {
    status: 'authorized';
    grant: Grant;
} | {
    status: 'pending';
} | {
    status: 'slow_down';
    interval?: number;
};
export interface DeviceFlow {
    start(): Promise<DeviceAuthorization>;
    /** `singleAttempt`: no HTTP-level retries, because the polling loop is the retry. */
    poll(deviceCode: string, opts?: {
        singleAttempt?: boolean;
    }): Promise<DevicePoll>;
}

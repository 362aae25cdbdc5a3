/**
 * Device logins: RFC 8628 for oauth2 targets, and the one polling loop that both RFC 8628 and
 * Fermyon's variant share. Only the CLI drives them (a person must approve the code); here is
 * no terminal handling at all, so a script or an editor extension can drive the same flow.
 */
import { DeployLoginError } from '../errors.js';
import type { Credentials, TargetSpec } from '../target.js';
import type { DeviceAuthorization, DeviceFlow, Grant, ProtocolDeps } from './types.js';
export declare const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** RFC 8628 §3.2: the interval when the server gives none. */
export declare const DEFAULT_INTERVAL_SECONDS = 5;
/** How long a code lives when the server does not say: Spin's 15 minutes (SIP 007). */
export declare const DEFAULT_EXPIRES_IN_SECONDS: number;
/** RFC 8628 §3.5: `slow_down` adds 5 s to the interval, for this and every later poll. */
export declare const SLOW_DOWN_STEP_SECONDS = 5;
/** A device login ended without a token; `reason` lets the CLI print `{"status":"denied"}` or `"expired"`. */
export declare class DeviceLoginError extends DeployLoginError {
    readonly reason: 'denied' | 'expired';
    constructor(reason: 'denied' | 'expired', message: string);
}
export declare const deviceDenied: (spec: Pick<TargetSpec, "name">) => DeviceLoginError;
export declare const deviceExpired: (spec: Pick<TargetSpec, "name">) => DeviceLoginError;
/** `login()` with method device (the Action, the library): nobody is there to approve a code. */
export declare function deviceLogin(spec: TargetSpec, _creds: Credentials, _deps: ProtocolDeps): Promise<Grant>;
/** C0, DEL and C1 control characters: what could drive a terminal if printed. */
export declare function hasControlCharacters(text: string): boolean;
/** Check and normalise what a device-authorization endpoint answered (either dialect). */
export declare function deviceAuthorizationOf(raw: {
    deviceCode: unknown;
    userCode: unknown;
    verificationUri: unknown;
    verificationUriComplete?: unknown;
    expiresIn: unknown;
    interval: unknown;
}, what: string): DeviceAuthorization;
/** RFC 8628 against an OAuth 2.0 server: endpoints from discovery, form bodies, OAuth error codes. */
export declare function oauth2DeviceFlow(spec: TargetSpec, creds: Credentials, deps: ProtocolDeps): Promise<DeviceFlow>;
export interface PollHooks {
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
    /** After each "not yet" answer. */
    onWaiting?: (state: {
        polls: number;
        msLeft: number;
        intervalSeconds: number;
    }) => void;
    /** The server asked us to poll more slowly. */
    onSlowDown?: (intervalSeconds: number) => void;
    /** A network error, 5xx or 429: reported, and polling goes on. */
    onTransient?: (err: DeployLoginError, retryInMs: number) => void;
}
/**
 * Poll until the code is approved, denied or expired. The server's interval is honoured (plus
 * 5 s per `slow_down`); transient failures back off exponentially without ending the wait; the
 * code's own lifetime bounds the whole thing.
 */
export declare function pollForGrant(spec: Pick<TargetSpec, 'name'>, flow: DeviceFlow, auth: DeviceAuthorization, hooks?: PollHooks): Promise<Grant>;

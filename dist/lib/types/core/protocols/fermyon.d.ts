import type { Protocol } from './types.js';
/** The client id Spin and the cloud plugin hard-code for the device flow. */
export declare const SPIN_CLIENT_ID = "583e63e9-461f-4fbe-a246-23e0fb1cad10";
export declare const fermyon: Protocol;

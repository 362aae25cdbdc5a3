import { type TargetInput } from '../target.js';
/**
 * The `json` protocol's configuration: where to POST, what JSON body to send (with placeholders
 * filled in at login time), and where the token, its expiry and a refresh token sit in the answer.
 * Three named recipes fill in the usual services; every field can still be overridden.
 */
export declare const JSON_RECIPES: readonly ["vault", "pypi", "jwt-service"];
export type JsonRecipe = (typeof JSON_RECIPES)[number];
export declare const EXPIRY_KINDS: readonly ["seconds", "unix", "date"];
export type ExpiryKind = (typeof EXPIRY_KINDS)[number];
/** Placeholders a body value may contain; each is filled in just before the request is sent. */
export declare const LOGIN_PLACEHOLDERS: readonly ["jwt", "username", "password", "audience"];
export declare const REFRESH_PLACEHOLDERS: readonly ["refreshToken", "token", "username", "audience"];
export type JsonTemplate = {
    [key: string]: JsonTemplateValue;
};
export type JsonTemplateValue = string | number | boolean | null | JsonTemplate | JsonTemplateValue[];
/** The resolved configuration, as stored with the target (no secrets: placeholders only). */
export interface JsonLoginConfig {
    recipe?: JsonRecipe;
    loginPath: string;
    body: JsonTemplate;
    tokenField: string;
    expiryField?: string;
    expiryKind?: ExpiryKind;
    refreshTokenField?: string;
    refreshPath?: string;
    refreshBody?: JsonTemplate;
    checkPath?: string;
    /** PyPI-style audience discovery: GET this path and use its `audience` as the OIDC audience. */
    audiencePath?: string;
}
/** What users give (flags, Action inputs, library objects), before recipes are applied. */
export interface JsonLoginInput {
    recipe?: string;
    loginPath?: string;
    /** `FIELD=VALUE` or `FIELD:=JSON` pairs (dotted FIELD nests), or a JSON object (text or value). */
    body?: string | string[] | JsonTemplate;
    tokenField?: string;
    expiryField?: string;
    expiryKind?: string;
    refreshTokenField?: string;
    refreshPath?: string;
    refreshBody?: string | string[] | JsonTemplate;
    checkPath?: string;
    audiencePath?: string;
}
export type JsonLabel = (key: keyof JsonLoginInput) => string;
interface Recipe {
    config: Omit<JsonLoginConfig, 'recipe'>;
    /** The OIDC audience the service usually expects, when the user gives none. */
    audience?: string;
    /** Body fields the user must add (e.g. the JWT service's `domain`). */
    requiredBody?: string[];
}
export declare const RECIPES: Record<JsonRecipe, Recipe>;
/** How each input is named on the command line. */
export declare const cliJsonLabel: JsonLabel;
/** How each input is named in the Action (`json-login-path`, ...). */
export declare const actionJsonLabel: JsonLabel;
/**
 * Apply the recipe and the user's overrides to a target's input: returns the input with
 * `protocol: json`, the recipe's default audience when none was given, and `options.json` set to
 * the resolved configuration. Everything is checked here, before anything is sent.
 */
export declare function prepareJsonTarget(input: TargetInput, raw: JsonLoginInput, label: JsonLabel): TargetInput;
/** Which placeholders a method needs in the login body (checked once the method is known). */
export declare function checkBodyForMethod(config: JsonLoginConfig, method: string, label: JsonLabel): void;
/** `FIELD=VALUE` (a string), `FIELD:=JSON` (any JSON value); a dotted FIELD nests. Or a JSON object. */
export declare function parseTemplate(value: JsonLoginInput['body'], label: string): JsonTemplate;
/** Fill the placeholders in (validated earlier, so only known names appear; an unknown value is empty). */
export declare function fillTemplate(t: JsonTemplate, values: Record<string, string | undefined>): JsonTemplate;
export {};

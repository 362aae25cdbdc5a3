import { DeployLoginError } from '../errors.js';
import type { HttpResponse } from '../http.js';
import type { TargetSpec } from '../target.js';
import { type JsonLoginConfig } from './json-config.js';
import type { Protocol } from './types.js';
/** The configuration `prepareJsonTarget` stored in the target's options. */
export declare function jsonConfigOf(spec: Pick<TargetSpec, 'name' | 'options'>): JsonLoginConfig;
/** A path is joined to the target URL (its path included); an absolute URL is used as is. */
export declare function endpoint(spec: Pick<TargetSpec, 'url'>, pathOrUrl: string): string;
export declare function jsonRejection(res: HttpResponse, what: string): DeployLoginError;
export declare const json: Protocol;

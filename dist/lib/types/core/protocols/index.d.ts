import type { TargetSpec } from '../target.js';
import type { Protocol } from './types.js';
export declare function protocolFor(spec: Pick<TargetSpec, 'protocol' | 'method'>, label?: string): Promise<Protocol>;

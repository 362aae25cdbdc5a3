import type { ProtocolName, TargetSpec } from '../target.js';
import type { Protocol } from './types.js';
export declare function protocolFor(spec: Pick<TargetSpec, 'protocol' | 'method'>, label?: string): Promise<Protocol>;
export declare function registerProtocol(name: ProtocolName, load: () => Promise<Protocol>): void;

import type { Env } from '../store.js';
/** The config dir the way Rust's `dirs::config_dir` finds it, which is where Spin looks. */
export declare function configDir(env: Env, home: string, platform: NodeJS.Platform): string;
/** Turn a target name into the tail of an environment variable name. */
export declare function envSuffix(name: string): string;

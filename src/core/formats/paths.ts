import path from 'node:path';
import type { Env } from '../store.js';

/** The config dir the way Rust's `dirs::config_dir` finds it, which is where Spin looks. */
export function configDir(env: Env, home: string, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support');
  if (platform === 'win32') return env.APPDATA || path.join(home, 'AppData', 'Roaming');
  const xdg = env.XDG_CONFIG_HOME;
  return xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config');
}

/** Turn a target name into the tail of an environment variable name. */
export function envSuffix(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

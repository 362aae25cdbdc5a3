/**
 * The GitHub runner's command protocol, the part of `@actions/core` this Action uses, with the same
 * names and behaviour: inputs and state from `INPUT_*` / `STATE_*`, outputs, state, variables and
 * PATH through the `GITHUB_*` command files, log commands on stdout, the job summary file.
 *
 * Why not `@actions/core` itself: importing it loads its OIDC client, which loads
 * `@actions/http-client` and undici (plus http2, tls, zlib, worker_threads...) on every run of
 * both steps, which is most of the Action's start-up time. The ID token is fetched with the core's
 * own HTTP client instead (see idtoken.ts).
 */
import { appendFileSync, existsSync } from 'node:fs';
import { EOL } from 'node:os';
import path from 'node:path';

export interface InputOptions {
  required?: boolean;
  trimWhitespace?: boolean;
}

/** Inputs arrive as INPUT_<NAME>: spaces to underscores, upper-cased (dashes kept). */
export function getInput(name: string, options: InputOptions = {}): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
  if (options.required && !value) throw new Error(`Input required and not supplied: ${name}`);
  return options.trimWhitespace === false ? value : value.trim();
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] || '';
}

function toCommandValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `::name key=value::message`, escaped the way the runner unescapes it. */
function issue(command: string, message: unknown = '', properties: Record<string, string> = {}): void {
  const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const props = Object.entries(properties)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  process.stdout.write(
    `::${command}${props ? ' ' + props : ''}::${escapeData(toCommandValue(message))}${EOL}`,
  );
}

/**
 * Append `name<<DELIMITER ... DELIMITER` to a command file. A value that contains the delimiter is
 * refused, so no value can smuggle in a second variable; the delimiter is random so that no value
 * can be made to contain it. (Math.random, not node:crypto: loading crypto costs ~5 ms, and the
 * refusal, not the randomness, is what keeps the file well-formed.)
 */
function fileCommand(kind: 'OUTPUT' | 'STATE' | 'ENV', name: string, value: unknown): boolean {
  const file = process.env[`GITHUB_${kind}`];
  if (!file) return false;
  const delimiter = `ghadelimiter_${Date.now().toString(36)}${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const text = toCommandValue(value);
  if (name.includes(delimiter) || text.includes(delimiter)) {
    throw new Error(`Unexpected input: the value of ${name} contains the delimiter.`);
  }
  appendLine(file, `${name}<<${delimiter}${EOL}${text}${EOL}${delimiter}`);
  return true;
}

function appendLine(file: string, line: string): void {
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`);
  appendFileSync(file, line + EOL, { encoding: 'utf8' });
}

/** Ask the runner to mask a value in every log line from now on. */
export function setSecret(secret: string): void {
  issue('add-mask', secret);
}

export function setOutput(name: string, value: unknown): void {
  if (!fileCommand('OUTPUT', name, value)) {
    process.stdout.write(EOL);
    issue('set-output', toCommandValue(value), { name });
  }
}

export function saveState(name: string, value: unknown): void {
  if (!fileCommand('STATE', name, value)) issue('save-state', toCommandValue(value), { name });
}

/** For this step (process.env) and every later step of the job. */
export function exportVariable(name: string, value: unknown): void {
  process.env[name] = toCommandValue(value);
  if (!fileCommand('ENV', name, value)) issue('set-env', toCommandValue(value), { name });
}

/**
 * The environment a deploy command started by this step gets: the step's own, without the
 * action's inputs. The runner hands every input to the action as INPUT_<NAME> (`password`,
 * `token`, `client-secret`, `targets` with its inline secrets): the command gets the issued
 * token, never the secrets it was obtained with, as a plain `run:` step would not have them either.
 */
export function deployCommandEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.toUpperCase().startsWith('INPUT_')) out[k] = v;
  return out;
}

/** Prepend a directory to PATH for this step and every later step. */
export function addPath(dir: string): void {
  const file = process.env.GITHUB_PATH;
  if (file) appendLine(file, dir);
  else issue('add-path', dir);
  process.env.PATH = `${dir}${path.delimiter}${process.env.PATH ?? ''}`;
}

export const debug = (message: string): void => issue('debug', message);
export const info = (message: string): void => void process.stdout.write(message + EOL);
export const notice = (message: string): void => issue('notice', message);
export const warning = (message: string): void => issue('warning', message);
export const error = (message: string): void => issue('error', message);
export const startGroup = (name: string): void => issue('group', name);
export const endGroup = (): void => issue('endgroup');

/** Append Markdown/HTML to the job summary; a no-op outside a runner. */
export function appendSummary(text: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, text, { encoding: 'utf8' });
}

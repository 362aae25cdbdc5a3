import { readFileSync } from 'node:fs';
import path from 'node:path';
import { invalidInput } from './errors.js';
import type { Env } from './store.js';
import { allowsPlainHttp, printable, validateUrl } from './target.js';

/**
 * Target options of the credential formats (docker, npmrc, netrc, kubeconfig), the registry
 * protocols and oauth2's client assertion. One table serves the CLI (`--NAME`), the Action
 * (input `NAME`) and the `targets` list (key `NAME`); values are checked here, before anything is
 * sent, and stored with the target under `key` so a relogin writes the same files.
 */
export interface ToolOption {
  /** kebab-case: the CLI flag without `--`, the Action input, the `targets` key */
  name: string;
  /** the key in TargetSpec.options */
  key: string;
  help: string;
  /** Check and normalise a value; returns the options to store (usually `{[key]: value}`). */
  parse(value: string, label: string, env: Env): Record<string, unknown>;
}

const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9~][a-z0-9._~-]*$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

const urlOption =
  (key: string): ToolOption['parse'] =>
  (value, label, env) => ({
    [key]: validateUrl(value, label, { allowHttp: allowsPlainHttp(env) }),
  });

function pemCertificate(pem: string, label: string): string {
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw invalidInput(`${label} is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" block).`);
  return Buffer.from(pem).toString('base64');
}

export const TOOL_OPTIONS: ToolOption[] = [
  {
    name: 'package',
    key: 'package',
    help: 'npm-registry + oidc: the package to publish (npm trusted publishing is per package)',
    parse(value, label) {
      if (value.length > 214 || !NPM_NAME.test(value))
        throw invalidInput(
          `${label} "${printable(value)}" is not an npm package name such as my-app or @scope/my-app.`,
        );
      return { package: value };
    },
  },
  {
    name: 'docker-server',
    key: 'dockerServer',
    help: 'docker: the registry host to key config.json by (default: the target URL host)',
    parse(value, label) {
      let host = '';
      try {
        host = new URL(value.includes('://') ? value : `https://${value}`).host;
      } catch {}
      if (!host)
        throw invalidInput(
          `${label} "${printable(value)}" is not a registry host such as ghcr.io or 127.0.0.1:5000.`,
        );
      return { dockerServer: host };
    },
  },
  {
    name: 'npm-registry',
    key: 'npmRegistry',
    help: 'npmrc: the registry URL the token is for (default: the target URL)',
    parse: urlOption('npmRegistry'),
  },
  {
    name: 'netrc-machine',
    key: 'netrcMachine',
    help: 'netrc: the machine (host name) the token is for (default: the target URL host)',
    parse(value, label) {
      if (!HOST.test(value))
        throw invalidInput(`${label} "${printable(value)}" is not a host name such as git.example.com.`);
      return { netrcMachine: value.toLowerCase() };
    },
  },
  {
    name: 'kube-server',
    key: 'kubeServer',
    help: 'kubeconfig: the API server URL (default: the target URL)',
    parse: urlOption('kubeServer'),
  },
  {
    name: 'kube-ca-file',
    key: 'kubeCaData',
    help: "kubeconfig: a PEM file with the API server's CA (embedded as certificate-authority-data)",
    parse(value, label) {
      let pem: string;
      try {
        pem = readFileSync(value, 'utf8');
      } catch (err) {
        throw invalidInput(
          `${label} ${printable(value)} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
        );
      }
      return { kubeCaData: pemCertificate(pem, `${label} ${printable(value)}`) };
    },
  },
  {
    name: 'kube-ca-data',
    key: 'kubeCaData',
    help: "kubeconfig: the API server's CA, PEM text or base64 of it (certificate-authority-data)",
    parse(value, label) {
      const pem = value.includes('-----BEGIN')
        ? value
        : Buffer.from(value.replace(/\s+/g, ''), 'base64').toString();
      return { kubeCaData: pemCertificate(pem, label) };
    },
  },
  {
    name: 'kube-namespace',
    key: 'kubeNamespace',
    help: "kubeconfig: the context's namespace",
    parse(value, label) {
      if (!DNS_LABEL.test(value))
        throw invalidInput(
          `${label} "${printable(value)}" is not a Kubernetes namespace name (a DNS label).`,
        );
      return { kubeNamespace: value };
    },
  },
  {
    name: 'client-assertion-key',
    key: 'clientAssertionKey',
    help: 'oauth2: a private key file (JWK or PEM; ES256/RS256) to sign RFC 7523 client assertions (private_key_jwt)',
    parse(value, label) {
      const file = path.resolve(value);
      try {
        readFileSync(file);
      } catch (err) {
        throw invalidInput(
          `${label} ${printable(value)} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
        );
      }
      // Only the path is stored: the key is read again at each login, never copied anywhere.
      return { clientAssertionKey: file };
    },
  },
];

/**
 * The tool options present, checked and normalised. `get` reads one by name (a flag, an input, a
 * `targets` key); `label` names it in errors (`--kube-server`, `` `kube-server` ``).
 */
export function readToolOptions(
  get: (name: string) => string | undefined,
  label: (name: string) => string,
  env: Env,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of TOOL_OPTIONS) {
    const value = get(o.name)?.trim();
    if (value) Object.assign(out, o.parse(value, label(o.name), env));
  }
  return out;
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as Yaml from 'yaml';
import { invalidInput } from '../errors.js';
import { UnparseableToolFile, type FormatContext, type FormatWriter } from '../toolfiles.js';
import { optionString } from './common.js';

// The YAML parser is only needed by this format: load it on first use, not at CLI start-up.
let yaml: typeof Yaml | undefined;
function Y(): typeof Yaml {
  if (!yaml) throw new Error('kubeconfig writer used before load()');
  return yaml;
}

const LISTS = ['clusters', 'users', 'contexts'] as const;
type ListName = (typeof LISTS)[number];

/**
 * An entry (ours, or what ours replaced): one item per list, null where absent. current-context is
 * not part of it, so that another target's login changing it does not make ours look overwritten.
 */
interface Entry {
  clusters: unknown;
  users: unknown;
  contexts: unknown;
}

/** Names of our three items: the context is the target's name; cluster and user say who made them. */
export function kubeNames(target: string): Record<ListName, string> {
  return { contexts: target, clusters: `deploy-login-${target}`, users: `deploy-login-${target}` };
}

/** The first KUBECONFIG entry (kubectl writes new entries there too), else ~/.kube/config. */
function kubeconfigPath(ctx: FormatContext): { path: string; exportVar?: { name: string; value: string } } {
  const sep = ctx.platform === 'win32' ? ';' : ':';
  // Every entry exported absolute: later steps may run in another directory than this one.
  const list = (ctx.env.KUBECONFIG ?? '')
    .split(sep)
    .filter(Boolean)
    .map((p) => path.resolve(p));
  if (list[0]) return { path: list[0], exportVar: { name: 'KUBECONFIG', value: list.join(sep) } };
  return { path: path.join(ctx.home, '.kube', 'config') };
}

/** `certificate-authority-data`: the `kube-ca-data` option (base64 or PEM), else the `kube-ca-file` read now. */
export function kubeCaData(options: Record<string, unknown>): string | undefined {
  const data = optionString(options, 'kubeCaData');
  if (data)
    return data.includes('-----BEGIN') ? Buffer.from(data).toString('base64') : data.replace(/\s+/g, '');
  const file = optionString(options, 'kubeCaFile');
  if (!file) return undefined;
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw invalidInput(
      `kube-ca-file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw invalidInput(`kube-ca-file ${file} is not a PEM certificate (no "BEGIN CERTIFICATE" block).`);
  return Buffer.from(pem).toString('base64');
}

function parse(existing: string | undefined, file: string): Yaml.Document {
  const { parseDocument, Document } = Y();
  if (existing === undefined || existing.trim() === '') {
    return new Document({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [],
      contexts: [],
      users: [],
      preferences: {},
    });
  }
  const doc = parseDocument(existing);
  if (doc.errors.length) {
    const why = `it is not valid YAML (line ${doc.errors[0]!.linePos?.[0]?.line ?? '?'})`;
    throw new UnparseableToolFile(
      `The kubeconfig ${file} ${why.slice(3)}: fix it or delete it, then log in again.`,
      why,
    );
  }
  if (doc.contents === null) doc.contents = doc.createNode({}) as never;
  if (!Y().isMap(doc.contents))
    throw new UnparseableToolFile(
      `The kubeconfig ${file} is not a YAML mapping: fix it or delete it.`,
      'it is not a YAML mapping',
    );
  return doc;
}

/** The named list as a sequence node, created when missing or null. */
function list(doc: Yaml.Document, name: ListName, file: string): Yaml.YAMLSeq {
  const node = doc.get(name, true);
  if (node === undefined || node === null || (Y().isScalar(node) && node.value === null)) {
    const seq = new (Y().YAMLSeq)();
    doc.set(name, seq);
    return seq;
  }
  if (!Y().isSeq(node))
    throw new UnparseableToolFile(
      `The kubeconfig ${file} has a "${name}" that is not a list: fix it.`,
      `its "${name}" is not a list`,
    );
  // `contexts: []` would grow into a one-line flow list: write items as kubectl does, one per block.
  if (node.flow && node.items.length === 0) node.flow = false;
  return node;
}

function indexOfName(seq: Yaml.YAMLSeq, name: string): number {
  return seq.items.findIndex((item) => Y().isMap(item) && item.get('name') === name);
}

/** The items under these names (null where absent): what a write would replace. */
function entryOf(doc: Yaml.Document, names: Record<ListName, string>, file: string): Entry {
  const entry: Entry = { clusters: null, users: null, contexts: null };
  for (const name of LISTS) {
    const seq = list(doc, name, file);
    const at = indexOfName(seq, names[name]);
    if (at >= 0) entry[name] = (seq.items[at] as Yaml.YAMLMap).toJSON();
  }
  return entry;
}

/** current-context names a context that exists. */
function currentContextValid(doc: Yaml.Document, file: string): boolean {
  const current = doc.get('current-context');
  if (typeof current !== 'string' || current === '') return false;
  return list(doc, 'contexts', file).items.some((i) => Y().isMap(i) && i.get('name') === current);
}

/**
 * An entry as text, keys sorted at every level: kubectl rewrites the whole file with its keys in
 * its own order (`- cluster: ... name:`), and an entry it merely re-serialised must still hash as
 * ours, or logout would leave our token behind as someone else's.
 */
function serialize(e: Entry): string | null {
  return e.clusters === null && e.users === null && e.contexts === null ? null : JSON.stringify(sorted(e));
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, sorted(o[k])]),
  );
}

/** Keep the file's sequence style: kubectl writes `- name:` flush with its key. */
function render(doc: Yaml.Document, existing: string | undefined): string {
  const indentSeq = existing ? /^[A-Za-z-]+:[ \t]*\r?\n[ \t]+- /m.test(existing) : false;
  const flowCollectionPadding = !/[{[][^\s}\]]/.test(existing ?? '');
  return doc.toString({ lineWidth: 0, indentSeq, flowCollectionPadding });
}

/**
 * kubeconfig (`$KUBECONFIG`'s first file, else `~/.kube/config`): a cluster
 * (`deploy-login-<target>`: server = the `kube-server` option or the target URL, CA from
 * `kube-ca-data`/`kube-ca-file`, or `insecure-skip-tls-verify` when the target is insecure), a user
 * (`deploy-login-<target>`) with the token, and a context named `<target>` that joins them
 * (namespace from `kube-namespace`). `current-context` is set only when the file has none (or it
 * names a context that does not exist), like a fresh `kubectl config set-context`/`use-context`
 * on an empty config: an existing choice is never changed; use `kubectl --context <target>`.
 */
export const kubeconfigWriter: FormatWriter = {
  format: 'kubeconfig',
  async load() {
    yaml ??= await import('yaml');
  },
  locate(ctx) {
    return kubeconfigPath(ctx);
  },
  check(target) {
    if (!target.insecure) kubeCaData(target.options);
  },
  parse(content, file) {
    parse(content, file);
  },
  upsert(existing, ctx) {
    const file = kubeconfigPath(ctx).path;
    const doc = parse(existing, file);
    const names = kubeNames(ctx.target.name);
    const server = optionString(ctx.target.options, 'kubeServer') ?? ctx.target.url;
    const ca = ctx.target.insecure ? undefined : kubeCaData(ctx.target.options);
    const namespace = optionString(ctx.target.options, 'kubeNamespace');
    const items: Record<ListName, unknown> = {
      clusters: {
        name: names.clusters,
        cluster: {
          server,
          ...(ca ? { 'certificate-authority-data': ca } : {}),
          ...(ctx.target.insecure ? { 'insecure-skip-tls-verify': true } : {}),
        },
      },
      users: { name: names.users, user: { token: ctx.token } },
      contexts: {
        name: names.contexts,
        context: { cluster: names.clusters, user: names.users, ...(namespace ? { namespace } : {}) },
      },
    };
    const previous = entryOf(doc, names, file);
    const setCurrent = !currentContextValid(doc, file);
    for (const name of LISTS) {
      const seq = list(doc, name, file);
      const at = indexOfName(seq, names[name]);
      const node = doc.createNode(items[name]);
      if (at >= 0) seq.items[at] = node;
      else seq.items.push(node);
    }
    if (setCurrent) doc.set('current-context', names.contexts);
    return { content: render(doc, existing), key: ctx.target.name, previousEntry: serialize(previous) };
  },
  entryAt(content, key) {
    return serialize(entryOf(parse(content, 'the kubeconfig'), kubeNames(key), 'the kubeconfig'));
  },
  remove(existing, key, previousEntry) {
    const doc = parse(existing, 'the kubeconfig');
    const names = kubeNames(key);
    const previous = previousEntry ? (JSON.parse(previousEntry) as Entry) : undefined;
    for (const name of LISTS) {
      const seq = list(doc, name, 'the kubeconfig');
      const at = indexOfName(seq, names[name]);
      if (at < 0) continue;
      const before = previous?.[name];
      if (before !== null && before !== undefined) seq.items[at] = doc.createNode(before);
      else seq.items.splice(at, 1);
    }
    // Our context is gone (none of theirs came back under its name): current-context must not dangle.
    if (doc.get('current-context') === names.contexts && !previous?.contexts) doc.delete('current-context');
    const empty = LISTS.every((name) => list(doc, name, 'the kubeconfig').items.length === 0);
    return { content: render(doc, existing), empty };
  },
};

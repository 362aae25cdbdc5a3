import { appendSummary } from './runner.js';
import type { Outcome } from '../core/errors.js';
import type { LoginResult } from '../core/login.js';
import type { SecretRegistry } from '../core/redact.js';
import type { RunResult } from '../core/run.js';

export interface SummaryRow {
  result: Pick<LoginResult, 'target' | 'url' | 'method' | 'expiresAt' | 'files'>;
  outcome: Outcome;
  run?: RunResult;
}

/** The job summary: one row per target; never a token (the text is redacted before writing). */
export async function writeSummary(
  rows: SummaryRow[],
  overall: Outcome,
  secrets: SecretRegistry,
  /** Why the step failed, when it did: said under the table, so the summary alone explains it. */
  failure?: string,
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  // Every cell is redacted, then HTML-escaped: a URL or path must not turn into markup.
  const cell = (text: string) => escapeHtml(secrets.redact(text));
  const header = ['Target', 'Method', 'URL', 'Expires', 'Files written', 'Outcome'];
  const body = rows.map((r) => [
    cell(r.result.target),
    cell(r.result.method),
    cell(r.result.url),
    cell(r.result.expiresAt ?? (r.outcome === 'success' || r.outcome === 'deploy-failed' ? 'unknown' : '-')),
    r.result.files.map((f) => cell(`${f.format}: ${f.path}`)).join('<br>') || '-',
    cell(r.outcome),
  ]);
  const tr = (cells: string[], tag: 'th' | 'td') =>
    `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
  const table = body.length
    ? `<table>${tr(header, 'th')}${body.map((r) => tr(r, 'td')).join('')}</table>\n`
    : '';
  const why = failure ? `<p>${cell(failure)}</p>\n` : '';
  appendSummary(`<h3>deploy-login: ${cell(overall)}</h3>\n${table}${why}`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

import * as core from '@actions/core';
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
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const table = [
    [
      { data: 'Target', header: true },
      { data: 'Method', header: true },
      { data: 'URL', header: true },
      { data: 'Expires', header: true },
      { data: 'Files written', header: true },
      { data: 'Outcome', header: true },
    ],
    ...rows.map((r) =>
      [
        r.result.target,
        r.result.method,
        r.result.url,
        r.result.expiresAt ?? 'unknown',
        r.result.files.map((f) => `${f.format}: ${f.path}`).join('<br>') || '-',
        r.outcome,
      ].map((c) => secrets.redact(String(c))),
    ),
  ];
  await core.summary.addHeading(`deploy-login: ${overall}`, 3).addTable(table).write();
}

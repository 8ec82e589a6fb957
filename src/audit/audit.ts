import { runChecks, type AuditSettings } from './checks.js';
import { collectFacts, type CollectOptions } from './collect.js';
import type { AuditReport } from './types.js';

export interface AuditOptions extends CollectOptions, AuditSettings {}

/** Reads the account and judges it. Throws ConfigError only when nothing could be audited (exit 2). */
export async function runAudit(opts: AuditOptions): Promise<AuditReport> {
  const facts = await collectFacts(opts);
  return runChecks(facts, opts);
}

export { exitCodeFor, CHECKS } from './checks.js';
export type { AuditReport, CheckResult, CheckStatus, PatternEngines } from './types.js';

// Types of audit-policy.cjs, for the tests that import it.
export type Severity = 'info' | 'low' | 'moderate' | 'high' | 'critical';
export const SEVERITIES: Severity[];
export class AuditPolicyError extends Error {}
export interface Allowance {
  advisory: string;
  reason: string;
  expires: string;
}
export interface AuditPolicy {
  failOn: Severity;
  allow: Allowance[];
}
export interface AuditFinding {
  package: string;
  severity: Severity;
  advisory: string;
  url: string;
  title: string;
  range: string;
  fixAvailable: boolean;
  verdict: 'fail' | 'allowed' | 'below';
  note?: string;
}
export interface AuditResult {
  failOn: Severity;
  findings: AuditFinding[];
  violations: AuditFinding[];
  unusedAllowances: Allowance[];
}
export function parsePolicy(policy: unknown, where?: string): AuditPolicy;
export function auditFailure(
  output: unknown,
): { status: number | undefined; code?: string; message: string } | undefined;
export function applyAuditPolicy(
  report: unknown,
  policy: AuditPolicy,
  options?: { today?: string },
): AuditResult;
export function formatAuditTable(result: AuditResult): string;

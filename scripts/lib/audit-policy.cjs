// The npm audit policy (security/audit-policy.json) as a pure function over `npm audit --json`'s
// report (format v2), for scripts/audit.mjs and its tests. CommonJS so that jest loads it as it is;
// plain Node, no dependencies.
//
// Policy: { "failOn": "high", "allow": [{ "advisory": "GHSA-…", "reason": "…", "expires": "YYYY-MM-DD" }] }
//   failOn   the lowest severity that fails: info, low, moderate, high or critical
//   allow    advisories accepted for now, each with why and until when (that day included, UTC);
//            past its date an advisory fails again.
'use strict';

const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'];
const GHSA = /^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

class AuditPolicyError extends Error {}

// GitHub's spelling of an advisory id: GHSA-xxxx-xxxx-xxxx, the parts in lower case.
const canonical = (id) => `GHSA${id.slice(4).toLowerCase()}`;

function validDay(text) {
  if (typeof text !== 'string' || !DAY.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** Checks a parsed policy file; throws AuditPolicyError naming every problem. */
function parsePolicy(policy, where = 'the audit policy') {
  const problems = [];
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) {
    throw new AuditPolicyError(`${where} must be a JSON object`);
  }
  if (!SEVERITIES.includes(policy.failOn)) {
    problems.push(`failOn must be one of ${SEVERITIES.join(', ')} (got ${JSON.stringify(policy.failOn)})`);
  }
  const allow = policy.allow ?? [];
  if (!Array.isArray(allow)) problems.push('allow must be a list');
  const seen = new Set();
  (Array.isArray(allow) ? allow : []).forEach((a, i) => {
    const at = `allow[${i}]`;
    if (a === null || typeof a !== 'object') return problems.push(`${at} must be an object`);
    if (typeof a.advisory !== 'string' || !GHSA.test(a.advisory)) {
      problems.push(
        `${at}.advisory must be a GitHub advisory id (GHSA-xxxx-xxxx-xxxx), got ${JSON.stringify(a.advisory)}`,
      );
    } else if (seen.has(canonical(a.advisory))) {
      problems.push(`${at}.advisory ${a.advisory} is listed twice`);
    } else {
      seen.add(canonical(a.advisory));
    }
    if (typeof a.reason !== 'string' || a.reason.trim().length < 10) {
      problems.push(`${at}.reason must say why the advisory is accepted (a sentence)`);
    }
    if (!validDay(a.expires))
      problems.push(`${at}.expires must be a date YYYY-MM-DD, got ${JSON.stringify(a.expires)}`);
  });
  if (problems.length > 0) throw new AuditPolicyError(`${where} is invalid:\n  ${problems.join('\n  ')}`);
  return {
    failOn: policy.failOn,
    allow: allow.map((a) => ({ advisory: canonical(a.advisory), reason: a.reason, expires: a.expires })),
  };
}

/**
 * Why a parsed `npm audit --json` output is not a report (the audit endpoint answered an error or
 * could not be reached), or undefined when it is one.
 */
function auditFailure(output) {
  if (
    output &&
    typeof output === 'object' &&
    output.vulnerabilities &&
    typeof output.vulnerabilities === 'object'
  ) {
    return undefined;
  }
  if (!output || typeof output !== 'object')
    return { status: undefined, message: 'npm audit printed no JSON report' };
  const status = typeof output.statusCode === 'number' ? output.statusCode : undefined;
  const code = output.error?.code ?? output.code;
  const message =
    output.message ??
    output.error?.summary ??
    (code ? `npm error ${code}` : 'npm audit printed no vulnerabilities map');
  return { status, code, message };
}

function advisoryId(via) {
  const fromUrl = typeof via.url === 'string' ? /GHSA(-[0-9a-z]{4}){3}/i.exec(via.url) : null;
  if (fromUrl) return canonical(fromUrl[0]);
  return via.source !== undefined ? `npm-${via.source}` : 'unknown';
}

/**
 * Applies `policy` (as parsePolicy returns it) to a v2 report. `today` is a YYYY-MM-DD day (UTC).
 * Returns every advisory found, each with its verdict:
 *   fail     at or above failOn and not allowed (or allowed until a day that has passed)
 *   allowed  at or above failOn, allowed until `expires`
 *   below    under failOn: reported, not failing
 * and `violations`, the failing ones; `unusedAllowances`, allowances no advisory needed.
 */
function applyAuditPolicy(report, policy, { today = new Date().toISOString().slice(0, 10) } = {}) {
  const failure = auditFailure(report);
  if (failure) throw new AuditPolicyError(`not an npm audit report: ${failure.message}`);
  const threshold = SEVERITIES.indexOf(policy.failOn);
  const allowances = new Map(policy.allow.map((a) => [a.advisory, a]));
  const used = new Set();
  const byKey = new Map();
  for (const [name, vuln] of Object.entries(report.vulnerabilities)) {
    for (const via of vuln.via ?? []) {
      if (typeof via !== 'object' || via === null) continue; // through another vulnerable package: reported under it
      const pkg = via.name ?? via.dependency ?? name;
      const advisory = advisoryId(via);
      const key = `${pkg}\u0000${advisory}`;
      if (byKey.has(key)) continue;
      const severity = SEVERITIES.includes(via.severity) ? via.severity : vuln.severity;
      const finding = {
        package: pkg,
        severity,
        advisory,
        url: via.url ?? '',
        title: via.title ?? '',
        range: via.range ?? vuln.range ?? '',
        fixAvailable: Boolean(vuln.fixAvailable),
        verdict: 'below',
      };
      if (SEVERITIES.indexOf(severity) >= threshold) {
        const allowance = allowances.get(advisory);
        if (allowance) used.add(advisory);
        if (allowance && today <= allowance.expires) {
          finding.verdict = 'allowed';
          finding.note = `allowed until ${allowance.expires}: ${allowance.reason}`;
        } else {
          finding.verdict = 'fail';
          if (allowance) finding.note = `its allowance expired on ${allowance.expires}`;
        }
      }
      byKey.set(key, finding);
    }
  }
  const findings = [...byKey.values()].sort(
    (a, b) =>
      SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) ||
      a.package.localeCompare(b.package) ||
      a.advisory.localeCompare(b.advisory),
  );
  return {
    failOn: policy.failOn,
    findings,
    violations: findings.filter((f) => f.verdict === 'fail'),
    unusedAllowances: policy.allow.filter((a) => !used.has(a.advisory)),
  };
}

/** The findings as a plain-text table (and a line for each unused allowance). */
function formatAuditTable(result) {
  if (result.findings.length === 0) {
    return `npm audit: no advisories (fails on ${result.failOn} and above)\n`;
  }
  const head = ['verdict', 'severity', 'package', 'advisory', 'title'];
  const rows = result.findings.map((f) => [f.verdict, f.severity, f.package, f.url || f.advisory, f.title]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? String(c) : String(c).padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const f of result.findings) if (f.note) out.push(`  ${f.package} ${f.advisory}: ${f.note}`);
  for (const a of result.unusedAllowances) {
    out.push(`  note: the allowance of ${a.advisory} (until ${a.expires}) matches nothing now: remove it`);
  }
  return `${out.join('\n')}\n`;
}

module.exports = {
  SEVERITIES,
  AuditPolicyError,
  parsePolicy,
  auditFailure,
  applyAuditPolicy,
  formatAuditTable,
};

// The programs terraform/test runs and the small parsers it checks their output with:
//   terraform  1.11+, on the machine (the AWS provider cannot be downloaded here: only fmt, and
//              init/apply of configurations with no provider but Terraform's built-in one)
//   checkov    from the project's Python venv (scripts/python-tools.mjs)
//   tflint     built with Go (scripts/supply-chain-tools.mjs)
//   moto_server and a python with boto3, from the same venv: a local S3 for the backend test
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const TERRAFORM_DIR = path.join(REPO_ROOT, 'terraform');

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  bin: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): RunResult {
  const r = spawnSync(bin, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: opts.timeoutMs ?? 300_000,
  });
  if (r.error) throw new Error(`${bin} ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The last lines of a command's output, for an error message. */
export function tail(r: RunResult, lines = 30): string {
  return `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-lines).join('\n');
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, name);
    if (dir && existsSync(file) && statSync(file).isFile()) return file;
  }
  return undefined;
}

/** terraform 1.11 or newer (GAMEDAY_TERRAFORM, else the one on PATH), or an error saying what is missing. */
export function terraformBinary(env: NodeJS.ProcessEnv): string {
  const bin = process.env.GAMEDAY_TERRAFORM ?? onPath('terraform');
  if (!bin) {
    throw new Error(
      'terraform is not on PATH: terraform/test needs Terraform 1.11 or newer (native S3 locking, ' +
        'use_lockfile). Install it, or point GAMEDAY_TERRAFORM at one.',
    );
  }
  const r = run(bin, ['version', '-json'], { env });
  const version = (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version;
  const [major, minor] = version.split('.').map(Number);
  if (major! < 1 || (major === 1 && minor! < 11)) {
    throw new Error(`${bin} is Terraform ${version}; terraform/test needs 1.11 or newer (use_lockfile).`);
  }
  return bin;
}

/**
 * A Terraform CLI configuration for the tests, in `dir`: no checkpoint calls, and provider
 * installation only from an empty local mirror, so that anything that would download a provider
 * fails at once instead of reaching for the registry (the configurations here need none).
 */
export function writeCliConfig(dir: string): string {
  const mirror = path.join(dir, 'no-providers');
  mkdirSync(mirror, { recursive: true });
  const file = path.join(dir, 'terraform.tfrc');
  writeFileSync(
    file,
    [
      'disable_checkpoint = true',
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      '    include = ["*/*/*"]',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return file;
}

/**
 * The environment every terraform, checkov and tflint run gets: the CLI configuration above (none
 * of the machine's), no checkpoint calls home, and no AWS credentials, profile or TF_ setting of
 * whoever runs the tests.
 */
export function terraformEnv(cliConfig: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(AWS_|TF_)/.test(k)) env[k] = v;
  }
  return {
    ...env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/** A tool's path from one of the project's install scripts (installed the first time; progress on stderr). */
export function toolPath(script: 'python-tools.mjs' | 'supply-chain-tools.mjs', name: string): string {
  return execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', script), 'path', name], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** Every .tf file under `dir` (relative paths, sorted), skipping .terraform folders. */
export function tfFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = path.join(rel, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.terraform' && entry.name !== 'node_modules') out.push(...tfFiles(dir, p));
    } else if (entry.name.endsWith('.tf')) {
      out.push(p);
    }
  }
  return out.sort();
}

// ---- checkov ------------------------------------------------------------------------------------

export interface InlineSkip {
  file: string;
  line: number;
  id: string;
  reason: string;
}

/** The `#checkov:skip=ID:reason` comments of an HCL file (1-based lines), as checkov reads them. */
export function inlineSkips(file: string, text: string): InlineSkip[] {
  const found: InlineSkip[] = [];
  text.split('\n').forEach((line, i) => {
    const comment = /(?:#|\/\/)\s*(?:checkov|bridgecrew):skip=\s*([A-Za-z0-9_]+)(?::(.*))?$/.exec(line);
    if (comment) found.push({ file, line: i + 1, id: comment[1]!, reason: (comment[2] ?? '').trim() });
  });
  return found;
}

/** What is wrong with a skip's reason, or undefined: a real reason is a sentence, not a word. */
export function skipProblem(skip: InlineSkip): string | undefined {
  const where = `${skip.file}:${skip.line}`;
  if (!/^CKV2?_[A-Z0-9]+_\d+$/.test(skip.id)) {
    return `${where}: "${skip.id}" is not a checkov check id (CKV_AWS_123, CKV2_AWS_12)`;
  }
  if (!skip.reason) {
    return `${where}: checkov skip ${skip.id} has no reason: write #checkov:skip=${skip.id}:<why the check does not apply here>`;
  }
  if (skip.reason.length < 20 || !/\s/.test(skip.reason)) {
    return `${where}: checkov skip ${skip.id} has no real reason ("${skip.reason}"): say why the check does not apply here`;
  }
  return undefined;
}

export interface CheckovResult {
  check_id: string;
  check_name: string;
  file_path: string;
  file_line_range: [number, number];
  resource: string;
  guideline?: string | null;
}

interface CheckovReport {
  check_type: string;
  results: { failed_checks?: CheckovResult[]; skipped_checks?: CheckovResult[] };
  summary: { parsing_errors: number; resource_count: number };
}

export interface CheckovRun {
  failed: CheckovResult[];
  skipped: CheckovResult[];
  parsingErrors: number;
  resources: number;
  raw: RunResult;
}

/** checkov over a directory, offline (--skip-download: no Prisma Cloud calls, its bundled checks only). */
export function runCheckov(checkov: string, dir: string, env: NodeJS.ProcessEnv): CheckovRun {
  const r = run(
    checkov,
    ['--skip-download', '--framework', 'terraform', '--directory', dir, '--compact', '--output', 'json'],
    { cwd: dir, env: { ...env, LOG_LEVEL: 'ERROR' }, timeoutMs: 600_000 },
  );
  // Exit 1 means failed checks; anything else but 0 is checkov itself failing.
  if (r.status !== 0 && r.status !== 1) throw new Error(`checkov failed (exit ${r.status}):\n${tail(r)}`);
  let parsed: CheckovReport | CheckovReport[];
  try {
    parsed = JSON.parse(r.stdout) as CheckovReport | CheckovReport[];
  } catch {
    throw new Error(`checkov printed no JSON report:\n${tail(r)}`);
  }
  const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter((p) => p.check_type === 'terraform');
  return {
    failed: reports.flatMap((p) => p.results.failed_checks ?? []),
    skipped: reports.flatMap((p) => p.results.skipped_checks ?? []),
    parsingErrors: reports.reduce((n, p) => n + p.summary.parsing_errors, 0),
    resources: reports.reduce((n, p) => n + p.summary.resource_count, 0),
    raw: r,
  };
}

/** "terraform/modules/x/main.tf:12 CKV_AWS_1 aws_thing.name: what the check wants" */
export function describeCheck(prefix: string, c: CheckovResult): string {
  const file = path.posix.join(prefix, c.file_path.replace(/^\/+/, ''));
  return `${file}:${c.file_line_range[0]} ${c.check_id} ${c.resource}: ${c.check_name}`;
}

// ---- backend blocks -----------------------------------------------------------------------------

export interface BackendBlock {
  file: string;
  line: number;
  attrs: Record<string, { value: string; line: number }>;
}

/** The `backend "s3" { … }` block of an HCL file: its one-line attributes, raw (quotes removed). */
export function s3Backend(file: string, text: string): BackendBlock | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s*backend\s+"s3"\s*\{/.test(l));
  if (start < 0) return undefined;
  const attrs: BackendBlock['attrs'] = {};
  for (let i = start + 1; i < lines.length && !/^\s*\}/.test(lines[i]!); i++) {
    const m = /^\s*([a-z_]+)\s*=\s*(.+?)\s*$/.exec(lines[i]!);
    if (m) attrs[m[1]!] = { value: m[2]!.replace(/^"(.*)"$/, '$1'), line: i + 1 };
  }
  return { file, line: start + 1, attrs };
}

/** The default of `variable "name"` in an HCL file, raw (quotes removed). */
export function variableDefault(text: string, name: string): string | undefined {
  const block = new RegExp(`variable\\s+"${name}"\\s*\\{([\\s\\S]*?)\\n\\}`).exec(text);
  const m = block && /\n\s*default\s*=\s*(.+)/.exec(block[1]!);
  return m?.[1]?.trim().replace(/^"(.*)"$/, '$1');
}

export function readTf(rel: string): string {
  return readFileSync(path.join(TERRAFORM_DIR, rel), 'utf8');
}

// ---- moto ---------------------------------------------------------------------------------------

/** The boto3 side of the backend test: sets the bucket up and reads what Terraform wrote. */
const MOTO_CLIENT = `
import json, sys, time
import boto3

endpoint, region, cmd, *args = sys.argv[1:]
kw = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id="test", aws_secret_access_key="test")
s3 = boto3.client("s3", **kw)

def get(bucket, key):
    obj = s3.get_object(Bucket=bucket, Key=key)
    return {"body": obj["Body"].read().decode(), "sse": obj.get("ServerSideEncryption"), "kmsKeyId": obj.get("SSEKMSKeyId")}

if cmd == "setup":
    # The bootstrap's bucket as terraform/bootstrap makes it: versioned, SSE-KMS with the state key.
    bucket, alias = args
    kms = boto3.client("kms", **kw)
    key = kms.create_key(Description="terraform state (test)")["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName=alias, TargetKeyId=key)
    conf = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=bucket, **conf)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}, "BucketKeyEnabled": True}]})
    print(json.dumps({"key": key}))
elif cmd == "objects":
    # Each key: how many versions it has, and whether its latest version is a delete marker.
    bucket, = args
    listing = s3.list_object_versions(Bucket=bucket)
    out = {}
    for v in listing.get("Versions", []):
        o = out.setdefault(v["Key"], {"versions": 0, "deleted": False})
        o["versions"] += 1
    for m in listing.get("DeleteMarkers", []):
        o = out.setdefault(m["Key"], {"versions": 0, "deleted": False})
        if m["IsLatest"]:
            o["deleted"] = True
    print(json.dumps(out))
elif cmd == "get":
    bucket, key = args
    print(json.dumps(get(bucket, key)))
elif cmd == "wait":
    # Until the object exists (the lock file of a running apply), up to a deadline.
    bucket, key, seconds = args
    deadline = time.time() + float(seconds)
    while True:
        try:
            print(json.dumps(get(bucket, key)))
            break
        except s3.exceptions.NoSuchKey:
            if time.time() > deadline:
                sys.exit(f"{key} did not appear in {bucket} within {seconds} s")
            time.sleep(0.1)
else:
    sys.exit(f"unknown command {cmd}")
`;

export interface S3Object {
  body: string;
  sse?: string;
  kmsKeyId?: string;
}

/** moto_server on a loopback port, and the boto3 calls the test makes against it. */
export class Moto {
  private constructor(
    readonly endpoint: string,
    private readonly python: string,
    private readonly client: string,
    private readonly region: string,
  ) {}

  static client(python: string, endpoint: string, region: string, dir: string): Moto {
    const client = path.join(dir, 'moto_client.py');
    writeFileSync(client, MOTO_CLIENT);
    return new Moto(endpoint, python, client, region);
  }

  call<T>(cmd: string, ...args: string[]): T {
    const r = run(this.python, [this.client, this.endpoint, this.region, cmd, ...args], {
      timeoutMs: 60_000,
    });
    if (r.status !== 0) throw new Error(`boto3 ${cmd} ${args.join(' ')} against moto failed:\n${tail(r)}`);
    return JSON.parse(r.stdout) as T;
  }
}

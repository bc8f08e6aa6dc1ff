// The checks terraform/ gets on this machine, where the AWS provider cannot be downloaded (so no
// `terraform validate` or `plan`: .github/workflows/terraform.yml runs those):
//   - terraform fmt -check -recursive, and that it names a badly formatted file
//   - terraform init -backend=false loads every root and its modules (syntax and block errors, with
//     file and line), getting as far as the provider install that cannot succeed here
//   - checkov (pinned in tools/python/requirements.txt, offline): no failed check; every inline skip
//     has a reason and skips a check that fires; a bad configuration's failures name file and line
//   - tflint with its bundled terraform ruleset (terraform/.tflint.hcl), and a bad module it reports
//   - the consistency the files must keep among themselves and with the rest of the repository:
//     backends (bucket, region, state key, native lock file), environments, images, manifests
//   - the S3 backend against moto_server: init, apply writes an SSE-KMS state object, a second
//     apply is refused while the first holds the lock file, the lock goes with the first apply;
//     the bootstrap's local-first apply migrates into the bucket
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { IMAGES } from '../../images/src/catalogue';
import { ENVIRONMENT_SETTINGS } from '../../deploy/src/environments';
import { freePort } from '../../testing/src/ports';
import {
  Moto,
  REPO_ROOT,
  TERRAFORM_DIR,
  describeCheck,
  inlineSkips,
  readTf,
  run,
  runCheckov,
  s3Backend,
  skipProblem,
  tail,
  terraformBinary,
  terraformEnv,
  tfFiles,
  toolPath,
  variableDefault,
  writeCliConfig,
} from './tools';
import type { CheckovRun, InlineSkip, RunResult, S3Object } from './tools';

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `gameday-tf-${prefix}-`));
  temps.push(dir);
  return dir;
}

let env: NodeJS.ProcessEnv;
let terraform: string;

beforeAll(() => {
  env = terraformEnv(writeCliConfig(tempDir('cli')));
  terraform = terraformBinary(env);
});

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const ENVS = ['staging', 'prod'] as const;
const ROOTS = ['bootstrap', 'envs/staging', 'envs/prod'] as const;

describe('terraform fmt', () => {
  test('terraform/ is formatted (terraform fmt -check -recursive)', () => {
    const r = run(terraform, ['fmt', '-check', '-recursive', '-diff', '-no-color', 'terraform'], {
      cwd: REPO_ROOT,
      env,
    });
    if (r.status !== 0) {
      throw new Error(
        `terraform fmt names files to format (run: terraform fmt -recursive terraform):\n${tail(r, 60)}`,
      );
    }
  });

  test('a badly formatted file is named', () => {
    const copy = path.join(tempDir('fmt'), 'terraform');
    cpSync(TERRAFORM_DIR, copy, { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
    writeFileSync(
      path.join(copy, 'modules', 'vpc', 'bad.tf'),
      'variable "x" {\ntype=string\n  default =    "y"\n}\n',
    );
    const r = run(terraform, ['fmt', '-check', '-recursive', '-no-color', 'terraform'], {
      cwd: path.dirname(copy),
      env,
    });
    expect(r.status).not.toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([path.join('terraform', 'modules', 'vpc', 'bad.tf')]);
  });
});

describe('terraform init -backend=false (no provider can be had: it must get as far as installing it)', () => {
  let copy: string;

  beforeAll(() => {
    copy = path.join(tempDir('init'), 'terraform');
    cpSync(TERRAFORM_DIR, copy, { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
  });

  test.each(ROOTS)('%s and its modules load', (root) => {
    const dir = path.join(copy, root);
    const r = run(terraform, ['init', '-backend=false', '-input=false', '-no-color'], {
      cwd: dir,
      env: { ...env, TF_DATA_DIR: path.join(dir, '.terraform') },
      timeoutMs: 120_000,
    });
    // Syntax and block errors (with file and line) come before this point; the only error left is
    // the AWS provider that the CLI configuration gives no way to download.
    const errors = r.stderr.match(/^Error: .*$/gm) ?? [];
    expect({ root, reached: r.stdout.includes('Finding hashicorp/aws versions matching'), errors }).toEqual({
      root,
      reached: true,
      errors: ['Error: Failed to query available provider packages'],
    });
    if (r.stdout.includes('Finding hashicorp/aws versions matching ">= 6.0.0, ~> 6.0"') === false) {
      throw new Error(
        `terraform/${root}: the aws provider constraint is not ">= 6.0.0, ~> 6.0":\n${tail(r)}`,
      );
    }
  });
});

describe('checkov', () => {
  let checkov: string;
  let report: CheckovRun;
  let skips: InlineSkip[];

  beforeAll(() => {
    checkov = toolPath('python-tools.mjs', 'checkov');
    report = runCheckov(checkov, TERRAFORM_DIR, env);
    skips = tfFiles(TERRAFORM_DIR).flatMap((f) =>
      inlineSkips(path.posix.join('terraform', f), readFileSync(path.join(TERRAFORM_DIR, f), 'utf8')),
    );
  }, 900_000);

  test('parses every file and checks the resources', () => {
    expect(report.parsingErrors).toBe(0);
    expect(report.resources).toBeGreaterThan(100);
  });

  test('no check fails', () => {
    expect(report.failed.map((c) => describeCheck('terraform', c))).toEqual([]);
  });

  test('every inline skip gives its reason', () => {
    expect(skips.length).toBeGreaterThan(0);
    expect(skips.map(skipProblem).filter(Boolean)).toEqual([]);
  });

  test('every inline skip skips a check that fires there (none left over)', () => {
    const stale = skips.filter(
      (s) =>
        !report.skipped.some(
          (c) =>
            c.check_id === s.id &&
            path.posix.join('terraform', c.file_path.replace(/^\/+/, '')) === s.file &&
            c.file_line_range[0] <= s.line &&
            s.line <= c.file_line_range[1],
        ),
    );
    expect(
      stale.map((s) => `${s.file}:${s.line}: ${s.id} is skipped but checkov raises nothing there`),
    ).toEqual([]);
  });

  test('a bad configuration fails naming file, line and check; a skip without a reason is caught', () => {
    const dir = tempDir('checkov-bad');
    const text = [
      'resource "aws_security_group" "open" {',
      '  name        = "open"',
      '  description = "SSH from anywhere"',
      '',
      '  ingress {',
      '    description = "ssh"',
      '    from_port   = 22',
      '    to_port     = 22',
      '    protocol    = "tcp"',
      '    cidr_blocks = ["0.0.0.0/0"]',
      '  }',
      '}',
      '',
      'resource "aws_s3_bucket" "quiet" {',
      '  #checkov:skip=CKV_AWS_18',
      '  bucket = "quiet"',
      '}',
      '',
    ].join('\n');
    writeFileSync(path.join(dir, 'main.tf'), text);
    const bad = runCheckov(checkov, dir, env);
    const failures = bad.failed.map((c) => describeCheck('fixture', c));
    expect(failures).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^fixture\/main\.tf:1 CKV_AWS_24 aws_security_group\.open: /),
      ]),
    );
    expect(inlineSkips('fixture/main.tf', text).map(skipProblem)).toEqual([
      'fixture/main.tf:15: checkov skip CKV_AWS_18 has no reason: write #checkov:skip=CKV_AWS_18:<why the check does not apply here>',
    ]);
    expect(skipProblem({ file: 'f.tf', line: 3, id: 'CKV_AWS_18', reason: 'nope' })).toMatch(
      /^f\.tf:3: checkov skip CKV_AWS_18 has no real reason/,
    );
  }, 300_000);
});

describe('tflint (bundled terraform ruleset, terraform/.tflint.hcl)', () => {
  let tflint: string;
  const config = path.join(TERRAFORM_DIR, '.tflint.hcl');

  beforeAll(() => {
    tflint = toolPath('supply-chain-tools.mjs', 'tflint');
  }, 1_800_000);

  test('finds nothing in terraform/', () => {
    const r = run(
      tflint,
      ['--chdir', 'terraform', '--recursive', '--config', config, '--format', 'compact'],
      {
        cwd: REPO_ROOT,
        env,
      },
    );
    if (r.status !== 0) throw new Error(`tflint reports (file:line: rule):\n${tail(r, 80)}`);
  });

  test('reports a bad module with its file, line and rule', () => {
    const dir = tempDir('tflint-bad');
    writeFileSync(
      path.join(dir, 'main.tf'),
      'terraform {\n  required_version = ">= 1.11"\n}\n\nvariable "loose" {}\n\nlocals {\n  unused = 1\n}\n',
    );
    writeFileSync(path.join(dir, 'variables.tf'), '');
    writeFileSync(path.join(dir, 'outputs.tf'), '');
    const r = run(tflint, ['--chdir', dir, '--config', config, '--format', 'compact'], { env });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/main\.tf:5:1: \w+ - .*\(terraform_typed_variables\)/);
    expect(r.stdout).toMatch(/main\.tf:5:1: \w+ - .*\(terraform_documented_variables\)/);
    expect(r.stdout).toMatch(/main\.tf:8:3: \w+ - .*\(terraform_unused_declarations\)/);
  });
});

describe('consistency', () => {
  const bootstrapVars = readTf('bootstrap/variables.tf');
  const stateBucket = variableDefault(bootstrapVars, 'state_bucket_name');
  const region = variableDefault(bootstrapVars, 'region');
  const stateKeyAlias = variableDefault(bootstrapVars, 'state_key_alias');
  const iamVars = readTf('modules/iam/variables.tf');
  const envKeyPrefix = variableDefault(iamVars, 'state_key_prefix');

  test.each(ROOTS)('%s: S3 backend in the bootstrap bucket with the native lock file and SSE-KMS', (root) => {
    const file = `terraform/${root}/backend.tf`;
    const backend = s3Backend(file, readTf(`${root}/backend.tf`));
    if (!backend) throw new Error(`${file}: no backend "s3" block`);
    const at = (k: string) => `${file}:${backend.attrs[k]?.line ?? backend.line} ${k}`;
    const problems: string[] = [];
    const want = (k: string, v: string | undefined, why: string) => {
      if (backend.attrs[k]?.value !== v)
        problems.push(`${at(k)} is ${backend.attrs[k]?.value ?? 'missing'}, not ${v}: ${why}`);
    };
    want('bucket', stateBucket, 'the bootstrap state_bucket_name default');
    want('region', region, 'the bootstrap region default');
    want('use_lockfile', 'true', 'Terraform 1.11+ native S3 locking');
    want('encrypt', 'true', 'state objects are encrypted');
    want('kms_key_id', stateKeyAlias, "the bootstrap's state key (the bucket policy refuses non-KMS writes)");
    if (backend.attrs.dynamodb_table)
      problems.push(`${at('dynamodb_table')}: locking is the S3 lock file, no DynamoDB table`);
    const key = backend.attrs.key?.value ?? '';
    const envKey = root.startsWith('envs/')
      ? `${envKeyPrefix}${root.slice('envs/'.length)}/terraform.tfstate`
      : undefined;
    if (envKey && key !== envKey)
      problems.push(`${at('key')} is ${key}, not ${envKey} (the CI roles may touch ${envKeyPrefix}* only)`);
    if (!envKey && key.startsWith(envKeyPrefix!))
      problems.push(`${at('key')}: the bootstrap's state must not be under ${envKeyPrefix}`);
    expect(problems).toEqual([]);
  });

  test.each(ROOTS)('%s: Terraform >= 1.11 and hashicorp/aws ~> 6.0', (root) => {
    const text = readTf(`${root}/versions.tf`);
    expect(text).toMatch(/required_version\s*=\s*">= 1\.11"/);
    expect(text).toMatch(/aws\s*=\s*\{\s*source\s*=\s*"hashicorp\/aws"\s*version\s*=\s*"~> 6\.0"\s*\}/);
  });

  test('staging and prod differ only in settings.tf and the backend key', () => {
    for (const f of ['main.tf', 'outputs.tf', 'variables.tf', 'versions.tf']) {
      const staging = readTf(`envs/staging/${f}`);
      if (staging !== readTf(`envs/prod/${f}`)) {
        throw new Error(
          `terraform/envs/staging/${f} and terraform/envs/prod/${f} differ: put the difference in settings.tf`,
        );
      }
    }
    for (const e of ENVS) {
      expect(readTf(`envs/${e}/settings.tf`)).toMatch(new RegExp(`environment = "${e}"`));
      expect(readTf(`envs/${e}/settings.tf`)).toMatch(new RegExp(`region = "${region}"`));
    }
  });

  test.each(ENVS)(
    '%s: the VPC and data subnets are the ones deploy/src/environments.ts allows egress to',
    (e) => {
      const file = `terraform/envs/${e}/settings.tf`;
      const text = readTf(`envs/${e}/settings.tf`);
      const cidr = /\n\s*cidr\s*=\s*"([^"]+)"/.exec(text)?.[1];
      const data = /data_subnet_cidrs\s*=\s*\[([^\]]*)\]/
        .exec(text)?.[1]
        ?.match(/"[^"]+"/g)
        ?.map((s) => s.slice(1, -1));
      const s = ENVIRONMENT_SETTINGS[e];
      expect({ file, cidr, data }).toEqual({ file, cidr: s.vpcCidr, data: s.dataCidrs });
      // The brokers the manifests name are MSK's SASL/SCRAM ones (9096) in this region.
      for (const broker of s.kafkaBrokers.split(','))
        expect(broker).toMatch(new RegExp(`\\.${region}\\.amazonaws\\.com:9096$`));
      const awsRegion = (s as unknown as Record<string, unknown>).awsRegion;
      if (awsRegion !== undefined) expect(awsRegion).toBe(region);
    },
  );

  test('one ECR repository per image of images/src/catalogue.ts', () => {
    const list = /variable "repositories"[\s\S]*?default\s*=\s*\[([^\]]*)\]/.exec(
      readTf('modules/ecr/variables.tf'),
    )?.[1];
    const repos = (list?.match(/"[^"]+"/g) ?? []).map((s) => s.slice(1, -1));
    expect([...repos].sort()).toEqual(IMAGES.map((i) => i.name).sort());
  });

  test("Loki's and Tempo's buckets and roles are the ones argocd/values names, kept past their retention", () => {
    interface ServiceAccount {
      serviceAccount: { name: string; annotations: Record<string, string> };
    }
    const values = <T>(f: string) =>
      parseYaml(readFileSync(path.join(REPO_ROOT, 'argocd', 'values', f), 'utf8')) as T & ServiceAccount;
    const loki = values<{
      loki: {
        limits_config: { retention_period: string };
        storage: { bucketNames: { chunks: string; ruler: string } };
      };
    }>('loki.yaml');
    const tempo = values<{ tempo: { retention: string; storage: { trace: { s3: { bucket: string } } } } }>(
      'tempo.yaml',
    );
    const days = (h: string) => Number(/^(\d+)h$/.exec(h)?.[1]) / 24;
    const vars = readTf('modules/observability-storage/variables.tf');
    const main = readTf('modules/observability-storage/main.tf');
    const irsa = readTf('modules/eks/irsa.tf');
    const num = (name: string) => Number(variableDefault(vars, name));
    // The lifecycle expires objects retention + expiry_margin_days (>= 1) after they are written.
    expect({
      logs: num('log_retention_days'),
      traces: num('trace_retention_days'),
      margin: num('expiry_margin_days') >= 1,
    }).toEqual({
      logs: days(loki.loki.limits_config.retention_period),
      traces: days(tempo.tempo.retention),
      margin: true,
    });
    expect(main).toMatch(
      /loki-chunks = \{ expiration_days = var\.log_retention_days \+ var\.expiry_margin_days,/,
    );
    expect(main).toMatch(
      /tempo\s+= \{ expiration_days = var\.trace_retention_days \+ var\.expiry_margin_days,/,
    );
    expect(main).toMatch(/bucket = "\$\{var\.name\}-\$\{each\.key\}"/);
    // The bucket names (gameday-ENV-<key>) and the IRSA roles (gameday-ENV-<key>, monitoring/<sa>).
    expect([
      loki.loki.storage.bucketNames.chunks,
      loki.loki.storage.bucketNames.ruler,
      tempo.tempo.storage.trace.s3.bucket,
    ]).toEqual(['gameday-ENV-loki-chunks', 'gameday-ENV-loki-ruler', 'gameday-ENV-tempo']);
    for (const [key, v] of [
      ['loki', loki],
      ['tempo', tempo],
    ] as const) {
      expect(v.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toBe(
        `arn:aws:iam::ACCOUNT_ID:role/gameday-ENV-${key}`,
      );
      expect(irsa).toMatch(
        new RegExp(
          `\\n\\s+${key}\\s+= \\{ namespace = "monitoring", service_account = "${v.serviceAccount.name}" \\}`,
        ),
      );
    }
    expect(irsa).toMatch(/name\s+= "\$\{var\.cluster_name\}-\$\{each\.key\}"/);
  });

  test('node groups: labels on all three, taints on argocd and monitoring only', () => {
    const eks = readTf('modules/eks/main.tf') + readTf('modules/eks/node-groups.tf');
    expect(eks).toMatch(/dedicated_node_groups = toset\(\["argocd", "monitoring"\]\)/);
    expect(eks).toMatch(/"gameday\.io\/node-group" = each\.key/);
    expect(eks).toMatch(/key\s+= "gameday\.io\/node-group"/);
    expect(readFileSync(path.join(REPO_ROOT, 'deploy', 'src', 'render.ts'), 'utf8')).toMatch(
      /NODE_GROUP_LABEL = 'gameday\.io\/node-group'/,
    );
  });
});

describe('S3 backend with native locking (use_lockfile) against moto_server', () => {
  let moto: ChildProcess | undefined;
  let s3: Moto;
  let endpoint: string;
  const BUCKET = variableDefault(readTf('bootstrap/variables.tf'), 'state_bucket_name')!;
  const REGION = variableDefault(readTf('bootstrap/variables.tf'), 'region')!;
  const ALIAS = variableDefault(readTf('bootstrap/variables.tf'), 'state_key_alias')!;

  beforeAll(async () => {
    const motoServer = toolPath('python-tools.mjs', 'moto_server');
    const python = toolPath('python-tools.mjs', 'python');
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    const dir = tempDir('moto');
    const log: Buffer[] = [];
    moto = spawn(motoServer, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    moto.stdout?.on('data', (d: Buffer) => log.push(d));
    moto.stderr?.on('data', (d: Buffer) => log.push(d));
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await fetch(`${endpoint}/moto-api/`);
        break;
      } catch {
        if (moto.exitCode !== null || Date.now() > deadline) {
          throw new Error(`moto_server did not answer on ${endpoint}:\n${Buffer.concat(log).toString()}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    s3 = Moto.client(python, endpoint, REGION, dir);
    s3.call('setup', BUCKET, ALIAS);
  }, 900_000);

  afterAll(() => {
    if (moto?.pid && moto.exitCode === null) moto.kill('SIGTERM');
  });

  /** A working directory with `root`'s real backend.tf, and the moto endpoint as a partial backend configuration. */
  function workdir(root: string, main: string): string {
    const dir = tempDir(root.replace('/', '-'));
    cpSync(path.join(TERRAFORM_DIR, root, 'backend.tf'), path.join(dir, 'backend.tf'));
    writeFileSync(path.join(dir, 'main.tf'), main);
    writeFileSync(
      path.join(dir, 'moto.s3.tfbackend'),
      [
        `endpoints                   = { s3 = "${endpoint}" }`,
        'use_path_style              = true',
        'skip_credentials_validation = true',
        'skip_requesting_account_id  = true',
        'skip_metadata_api_check     = true',
        'skip_region_validation      = true',
        'access_key                  = "test"',
        'secret_key                  = "test"',
        '',
      ].join('\n'),
    );
    return dir;
  }

  const tfEnv = (dir: string) => ({ ...env, TF_DATA_DIR: path.join(dir, '.terraform') });

  function tf(dir: string, args: string[], expectOk = true): RunResult {
    const r = run(terraform, [...args, '-no-color'], { cwd: dir, env: tfEnv(dir), timeoutMs: 120_000 });
    if (expectOk && r.status !== 0)
      throw new Error(`terraform ${args.join(' ')} in ${dir} failed:\n${tail(r)}`);
    return r;
  }

  function init(dir: string, ...extra: string[]): RunResult {
    const r = tf(dir, ['init', '-input=false', '-backend-config=moto.s3.tfbackend', ...extra]);
    // Only Terraform's built-in provider: nothing is fetched (the CLI configuration allows no download).
    expect(r.stdout).toContain('terraform.io/builtin/terraform is built in to Terraform');
    expect(r.stdout).not.toMatch(/registry\.terraform\.io|Installing hashicorp/);
    return r;
  }

  interface State {
    serial: number;
    resources: { type: string; name: string; instances: { attributes: { input?: { value: unknown } } }[] }[];
  }

  function state(key: string): { state: State; object: S3Object } {
    const object = s3.call<S3Object>('get', BUCKET, key);
    return { state: JSON.parse(object.body) as State, object };
  }

  const inputOf = (st: State, name: string) =>
    st.resources.find((r) => r.type === 'terraform_data' && r.name === name)?.instances[0]?.attributes.input
      ?.value;

  const objects = () => s3.call<Record<string, { versions: number; deleted: boolean }>>('objects', BUCKET);

  const VALUE = 'variable "v" {\n  type = string\n}\n\nresource "terraform_data" "x" {\n  input = var.v\n}\n';

  test('staging: init and apply write the state object, encrypted with the state key', () => {
    const dir = workdir('envs/staging', VALUE);
    init(dir);
    tf(dir, ['apply', '-auto-approve', '-input=false', '-var', 'v=one']);
    const { state: st, object } = state('envs/staging/terraform.tfstate');
    expect(inputOf(st, 'x')).toBe('one');
    expect({ sse: object.sse, kmsKeyId: object.kmsKeyId }).toEqual({ sse: 'aws:kms', kmsKeyId: ALIAS });
    // The lock file is gone once the apply is done.
    expect(objects()['envs/staging/terraform.tfstate.tflock']?.deleted ?? true).toBe(true);
  });

  test('staging: a second apply is refused while the first holds the lock file', async () => {
    const dir = workdir('envs/staging', VALUE);
    init(dir);
    tf(dir, ['apply', '-auto-approve', '-input=false', '-var', 'v=one']);
    // The first apply holds the lock until the test lets it finish (a bounded wait on a file).
    const release = path.join(dir, 'release');
    writeFileSync(
      path.join(dir, 'hold.tf'),
      [
        'resource "terraform_data" "hold" {',
        '  triggers_replace = var.v',
        '',
        '  provisioner "local-exec" {',
        `    command = "for i in $(seq 1 900); do [ -f '${release}' ] && exit 0; sleep 0.1; done; exit 1"`,
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const out: Buffer[] = [];
    const first = spawn(terraform, ['apply', '-auto-approve', '-input=false', '-no-color', '-var', 'v=two'], {
      cwd: dir,
      env: tfEnv(dir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    first.stdout.on('data', (d: Buffer) => out.push(d));
    first.stderr.on('data', (d: Buffer) => out.push(d));
    const done = new Promise<number | null>((resolve) => first.on('close', resolve));
    try {
      const lock = s3.call<S3Object>('wait', BUCKET, 'envs/staging/terraform.tfstate.tflock', '60');
      const info = JSON.parse(lock.body) as { ID: string; Operation: string; Path: string };
      expect(info).toMatchObject({
        Operation: 'OperationTypeApply',
        Path: `${BUCKET}/envs/staging/terraform.tfstate`,
      });
      // The lock file is written like the state: SSE-KMS with the state key (the bucket policy refuses anything else).
      expect({ sse: lock.sse, kmsKeyId: lock.kmsKeyId }).toEqual({ sse: 'aws:kms', kmsKeyId: ALIAS });

      const second = tf(
        dir,
        ['apply', '-auto-approve', '-input=false', '-lock-timeout=0s', '-var', 'v=three'],
        false,
      );
      expect(second.status).not.toBe(0);
      expect(second.stderr).toContain('Error acquiring the state lock');
      expect(second.stderr).toContain(info.ID);
    } finally {
      writeFileSync(release, '');
    }
    const code = await done;
    if (code !== 0)
      throw new Error(`the first apply failed (exit ${code}):\n${Buffer.concat(out).toString()}`);

    const { state: st } = state('envs/staging/terraform.tfstate');
    expect(inputOf(st, 'x')).toBe('two');
    expect(st.resources.map((r) => r.name).sort()).toEqual(['hold', 'x']);
    const after = objects();
    expect(after['envs/staging/terraform.tfstate.tflock']?.deleted).toBe(true);
    // Versioning keeps every state the applies wrote.
    expect(after['envs/staging/terraform.tfstate']?.versions).toBeGreaterThanOrEqual(2);
    // Released: the next apply takes the lock and goes through.
    tf(dir, ['apply', '-auto-approve', '-input=false', '-lock-timeout=0s', '-var', 'v=four']);
    expect(inputOf(state('envs/staging/terraform.tfstate').state, 'x')).toBe('four');
  }, 300_000);

  test('prod: its own state key beside staging', () => {
    const dir = workdir('envs/prod', VALUE);
    init(dir);
    tf(dir, ['apply', '-auto-approve', '-input=false', '-var', 'v=prod']);
    expect(inputOf(state('envs/prod/terraform.tfstate').state, 'x')).toBe('prod');
    expect(inputOf(state('envs/staging/terraform.tfstate').state, 'x')).not.toBe('prod');
  });

  test('bootstrap: the first apply runs on local state, then -migrate-state moves it into the bucket', () => {
    const dir = workdir('bootstrap', VALUE);
    // As terraform/README.md says: the bucket does not exist yet, so a local backend overrides the S3 one.
    writeFileSync(path.join(dir, 'local_override.tf'), 'terraform {\n  backend "local" {}\n}\n');
    tf(dir, ['init', '-input=false']);
    tf(dir, ['apply', '-auto-approve', '-input=false', '-var', 'v=bootstrap']);
    expect(existsSync(path.join(dir, 'terraform.tfstate'))).toBe(true);
    expect(objects()['bootstrap/terraform.tfstate']).toBeUndefined();

    rmSync(path.join(dir, 'local_override.tf'));
    init(dir, '-migrate-state', '-force-copy');
    const { state: st, object } = state('bootstrap/terraform.tfstate');
    expect(inputOf(st, 'x')).toBe('bootstrap');
    expect(object.sse).toBe('aws:kms');
    const plan = tf(dir, ['plan', '-input=false', '-detailed-exitcode', '-var', 'v=bootstrap'], false);
    expect({ status: plan.status, out: plan.status === 0 ? '' : tail(plan) }).toEqual({ status: 0, out: '' });
  });
});

// A fake Kubernetes API server for the kubernetes engine's tests (no cluster runs here). It speaks the
// real protocol for what the engine uses — pod listing, and create/get/list/delete/watch of Chaos Mesh
// custom objects — and behaves like Chaos Mesh over time:
//   - a created object is validated against the CRD's openAPIV3Schema (chaos/crds, the CRDs as Chaos
//     Mesh ships them) and refused with a 422 Status like the API server does;
//   - it gets the chaos-mesh/records finalizer, then Selected and AllInjected after injectDelayMs;
//   - a delete sets deletionTimestamp, then AllRecovered after recoverDelayMs, then the finalizer is
//     released and the object goes (DELETED) — unless stuckFinalizer is set;
//   - watches stream {"type","object"} lines, starting with ADDED for what exists.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    resourceVersion?: string;
  };
  spec: Record<string, unknown>;
  status?: { conditions: { type: string; status: string }[] };
};

export interface FakePod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  phase?: string;
}

export interface FakeOptions {
  schemasDir: string;
  pods: FakePod[];
  injectDelayMs?: number;
  recoverDelayMs?: number;
}

const PLURALS: Record<string, string> = {
  podchaos: 'PodChaos',
  networkchaos: 'NetworkChaos',
  httpchaos: 'HTTPChaos',
  stresschaos: 'StressChaos',
};

export class FakeKubeApi {
  readonly requests: { method: string; path: string; body?: unknown }[] = [];
  /** Every object ever created (kept after deletion), by name. */
  readonly created = new Map<string, Obj>();
  stuckFinalizer = false;
  neverInject = false;
  private readonly objects = new Map<string, Obj>();
  private readonly watchers = new Set<{ plural: string; ns: string; name?: string; res: ServerResponse }>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private version = 1;
  url = '';

  constructor(readonly options: FakeOptions) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** A kubeconfig pointing at this server; returns its path. */
  writeKubeconfig(dir: string, namespace = 'gameday'): string {
    const file = join(dir, 'kubeconfig.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: fake, cluster: {server: "${this.url}", insecure-skip-tls-verify: true}}]`,
        'users: [{name: fake, user: {token: fake-token}}]',
        `contexts: [{name: fake, context: {cluster: fake, user: fake, namespace: ${namespace}}}]`,
        'current-context: fake',
        '',
      ].join('\n'),
    );
    return file;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const w of this.watchers) w.res.end();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Objects that still exist. */
  live(): Obj[] {
    return [...this.objects.values()];
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private validator(plural: string): ValidateFunction {
    let v = this.validators.get(plural);
    if (!v) {
      const file = join(this.options.schemasDir, `${plural}.yaml`);
      if (!existsSync(file)) throw new Error(`no CRD ${file}`);
      const crd = parse(readFileSync(file, 'utf8')) as {
        spec: { versions: { schema: { openAPIV3Schema: object } }[] };
      };
      v = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
        crd.spec.versions[0]!.schema.openAPIV3Schema,
      );
      this.validators.set(plural, v);
    }
    return v;
  }

  private emit(type: 'ADDED' | 'MODIFIED' | 'DELETED', plural: string, obj: Obj): void {
    obj.metadata.resourceVersion = String(++this.version);
    for (const w of this.watchers) {
      if (
        w.plural === plural &&
        w.ns === obj.metadata.namespace &&
        (!w.name || w.name === obj.metadata.name)
      ) {
        w.res.write(JSON.stringify({ type, object: obj }) + '\n');
      }
    }
  }

  private setConditions(obj: Obj, values: Record<string, boolean>): void {
    const conditions = obj.status?.conditions ?? [];
    for (const [type, on] of Object.entries(values)) {
      const c = conditions.find((x) => x.type === type);
      if (c) c.status = on ? 'True' : 'False';
      else conditions.push({ type, status: on ? 'True' : 'False' });
    }
    obj.status = { conditions };
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    this.send(res, code, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    });
  }

  private async body(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? JSON.parse(text) : undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const body =
      method === 'POST' || method === 'PUT' || method === 'PATCH' ? await this.body(req) : undefined;
    this.requests.push({ method, path: url.pathname + url.search, ...(body === undefined ? {} : { body }) });
    if (req.headers.authorization !== 'Bearer fake-token')
      return this.status(res, 401, 'Unauthorized', 'Unauthorized');

    const selector = (text: string | null) =>
      Object.fromEntries(
        (text ?? '')
          .split(',')
          .filter(Boolean)
          .map((p) => p.split('=') as [string, string]),
      );
    const matches = (labels: Record<string, string> | undefined, want: Record<string, string>) =>
      Object.entries(want).every(([k, v]) => labels?.[k] === v);

    const pods = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
    if (pods && method === 'GET') {
      const want = selector(url.searchParams.get('labelSelector'));
      const items = this.options.pods
        .filter((p) => p.namespace === pods[1] && matches(p.labels, want))
        .map((p) => ({
          metadata: { name: p.name, namespace: p.namespace, labels: p.labels },
          status: { phase: p.phase ?? 'Running' },
        }));
      return this.send(res, 200, {
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(this.version) },
        items,
      });
    }

    const m = /^\/apis\/chaos-mesh\.org\/v1alpha1\/namespaces\/([^/]+)\/([a-z]+)(?:\/([^/]+))?$/.exec(
      url.pathname,
    );
    if (!m || !PLURALS[m[2]!])
      return this.status(
        res,
        404,
        'NotFound',
        `the server could not find the requested resource (${url.pathname})`,
      );
    const [, ns, plural, name] = m as unknown as [string, string, string, string | undefined];
    const key = (n: string) => `${ns}/${plural}/${n}`;

    if (method === 'GET' && !name && url.searchParams.get('watch') === 'true') {
      const field = selector(url.searchParams.get('fieldSelector'));
      const watcher = {
        plural,
        ns,
        ...(field['metadata.name'] ? { name: field['metadata.name'] } : {}),
        res,
      };
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      for (const o of this.objects.values()) {
        if (
          o.kind === PLURALS[plural] &&
          o.metadata.namespace === ns &&
          (!watcher.name || watcher.name === o.metadata.name)
        ) {
          res.write(JSON.stringify({ type: 'ADDED', object: o }) + '\n');
        }
      }
      this.watchers.add(watcher);
      req.on('close', () => this.watchers.delete(watcher));
      return;
    }
    if (method === 'GET' && !name) {
      const want = selector(url.searchParams.get('labelSelector'));
      const items = [...this.objects.values()].filter(
        (o) => o.kind === PLURALS[plural] && o.metadata.namespace === ns && matches(o.metadata.labels, want),
      );
      return this.send(res, 200, {
        apiVersion: 'chaos-mesh.org/v1alpha1',
        kind: `${PLURALS[plural]}List`,
        metadata: {},
        items,
      });
    }
    if (method === 'GET' && name) {
      const o = this.objects.get(key(name));
      return o
        ? this.send(res, 200, o)
        : this.status(res, 404, 'NotFound', `${plural}.chaos-mesh.org "${name}" not found`);
    }
    if (method === 'POST' && !name) {
      const obj = body as Obj;
      if (obj?.kind !== PLURALS[plural])
        return this.status(res, 400, 'BadRequest', `kind ${obj?.kind} does not match ${plural}`);
      const validate = this.validator(plural);
      if (!validate(obj as unknown)) {
        const detail = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ');
        return this.status(
          res,
          422,
          'Invalid',
          `${PLURALS[plural]}.chaos-mesh.org "${(body as Obj).metadata?.name}" is invalid: ${detail}`,
        );
      }
      if (this.objects.has(key(obj.metadata.name)))
        return this.status(
          res,
          409,
          'AlreadyExists',
          `${plural}.chaos-mesh.org "${obj.metadata.name}" already exists`,
        );
      const stored: Obj = JSON.parse(JSON.stringify(obj)) as Obj;
      stored.metadata = {
        ...stored.metadata,
        namespace: ns,
        uid: `uid-${this.version}`,
        creationTimestamp: new Date().toISOString(),
        finalizers: ['chaos-mesh/records'],
      };
      stored.status = { conditions: [] };
      this.objects.set(key(stored.metadata.name), stored);
      this.created.set(stored.metadata.name, stored);
      this.emit('ADDED', plural, stored);
      this.later(this.options.injectDelayMs ?? 300, () => {
        if (!this.objects.has(key(stored.metadata.name))) return;
        this.setConditions(stored, { Selected: true, Paused: false, AllRecovered: false });
        this.emit('MODIFIED', plural, stored);
        if (this.neverInject) return;
        this.later(this.options.injectDelayMs ?? 300, () => {
          if (!this.objects.has(key(stored.metadata.name)) || stored.metadata.deletionTimestamp) return;
          this.setConditions(stored, { AllInjected: true });
          this.emit('MODIFIED', plural, stored);
        });
      });
      return this.send(res, 201, stored);
    }
    if (method === 'DELETE' && name) {
      const o = this.objects.get(key(name));
      if (!o) return this.status(res, 404, 'NotFound', `${plural}.chaos-mesh.org "${name}" not found`);
      o.metadata.deletionTimestamp ??= new Date().toISOString();
      this.emit('MODIFIED', plural, o);
      this.later(this.options.recoverDelayMs ?? 300, () => {
        this.setConditions(o, { AllInjected: false, AllRecovered: true });
        this.emit('MODIFIED', plural, o);
        if (this.stuckFinalizer) return;
        o.metadata.finalizers = [];
        this.objects.delete(key(name));
        this.emit('DELETED', plural, o);
      });
      return this.send(res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Success',
        details: { name, kind: plural },
      });
    }
    return this.status(res, 405, 'MethodNotAllowed', `${method} is not supported here`);
  }
}

// The images gameday ships: one per service of the contract's catalogue, plus the chaos controller.
import { SERVICES } from '@gameday/telemetry/contract';
import { SERVICE_NODE_FLAGS } from '@gameday/telemetry/runtime';

export interface ImageSpec {
  /** The image's name (gameday/<name>) and the first part of its tag. */
  name: string;
  kind: 'service' | 'job';
  /** The entry point, relative to the repository root; /app/main.js loads it. */
  entry: string;
  /** The Containerfile under images/. */
  containerfile: string;
  /** The port a service listens on (its default in the contract). */
  port?: number;
  /** Repository folders the program reads as data (not traced: nothing requires them). */
  dataDirs: readonly string[];
  description: string;
}

export const SERVICE_CONTAINERFILE = 'service.Containerfile';
export const CHAOS_CONTAINERFILE = 'chaos-controller.Containerfile';
export const BASE_CONTAINERFILE = 'base.Containerfile';

/** The Node flags of the service Containerfile's ENTRYPOINT (a test keeps them equal). */
export const IMAGE_NODE_FLAGS = SERVICE_NODE_FLAGS;

export const IMAGES: readonly ImageSpec[] = [
  ...SERVICES.map((s): ImageSpec => ({
    name: s.name,
    kind: 'service',
    entry: `apps/${s.name}/dist/main.js`,
    containerfile: SERVICE_CONTAINERFILE,
    port: s.port,
    dataDirs: [],
    description: s.description,
  })),
  {
    name: 'chaos-controller',
    kind: 'job',
    entry: 'cli/dist/main.js',
    containerfile: CHAOS_CONTAINERFILE,
    dataDirs: ['chaos/experiments', 'chaos/crds', 'slo/specs', 'slo/windows'],
    description: 'The chaos controller: game days judged by SLOs, in the cluster with Chaos Mesh',
  },
];

export function imageSpec(name: string): ImageSpec {
  const spec = IMAGES.find((i) => i.name === name);
  if (!spec) {
    throw new Error(`no image named ${name}: one of ${IMAGES.map((i) => i.name).join(', ')}`);
  }
  return spec;
}

// The SLOs an experiment is judged by, read from the same specs that generate the recording rules
// (slo/specs), so the controller's PromQL is the SLI exactly as the alerts see it, over any window.

import {
  durationSeconds,
  parseSpec,
  readSpecSources,
  record,
  sliQueries,
  sloId,
  sloSelector,
} from '@gameday/slo';
import type { Slo } from '@gameday/slo';
import type { SloRef } from './journal';
import type { Experiment } from './spec';
import { ExperimentSpecError } from './spec';

export class SloCatalogue {
  private readonly byId = new Map<string, Slo>();

  constructor(slos: Slo[]) {
    for (const s of slos) this.byId.set(sloId(s.service, s.name), s);
  }

  /** Every spec under <root>/slo/specs. */
  static load(root: string): SloCatalogue {
    return new SloCatalogue(readSpecSources(root).flatMap((source) => parseSpec(source).slos));
  }

  ids(): string[] {
    return [...this.byId.keys()].sort();
  }

  ref(id: string): SloRef {
    const s = this.byId.get(id);
    if (!s) throw new Error(`unknown SLO ${id}`);
    const objective = s.objective / 100;
    return {
      id,
      service: s.service,
      name: s.name,
      objective,
      budget: Number((1 - objective).toPrecision(10)),
      periodSeconds: durationSeconds(s.period),
    };
  }

  /** The SLOs named by the hypothesis, or every SLO of the target service. */
  resolve(experiment: Experiment, file = experiment.metadata.name): SloRef[] {
    const named = experiment.spec.hypothesis.slos;
    if (named) {
      const unknown = named.filter((id) => !this.byId.has(id));
      if (unknown.length) {
        throw new ExperimentSpecError(
          unknown.map((id) => ({
            file,
            path: 'spec.hypothesis.slos',
            message: `no SLO ${id} in slo/specs; known: ${this.ids().join(', ')}`,
          })),
        );
      }
      return named.map((id) => this.ref(id));
    }
    const service = experiment.spec.target.service;
    const own = this.ids().filter((id) => id.startsWith(`${service}/`));
    if (own.length === 0) {
      throw new ExperimentSpecError([
        {
          file,
          path: 'spec.hypothesis.slos',
          message: `${service} has no SLO of its own: name the SLOs its failure affects, e.g. slos: [gateway/availability]`,
        },
      ]);
    }
    return own.map((id) => this.ref(id));
  }

  /** The SLI's error ratio (0..1) over `window`, as PromQL. */
  errorRatio(id: string, window: string): string {
    const s = this.byId.get(id);
    if (!s) throw new Error(`unknown SLO ${id}`);
    return sliQueries(s.sli).errorRatio(window);
  }

  objectiveQuery(id: string): string {
    const [service = '', name = ''] = id.split('/');
    return `${record.objective}${sloSelector(service, name)}`;
  }
}

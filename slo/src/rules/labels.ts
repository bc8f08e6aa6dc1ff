import type { Slo } from '../model';
import { SLO_NAME_LABEL, SLO_SERVICE_LABEL, sloSelector } from '../naming';
import type { Labels } from './types';

export function sloLabels(slo: Slo): Labels {
  return { [SLO_SERVICE_LABEL]: slo.service, [SLO_NAME_LABEL]: slo.name };
}

export function selectorOf(slo: Slo): string {
  return sloSelector(slo.service, slo.name);
}

/** The error budget as a ratio, free of float noise (1 - 0.999 → 0.001). */
export function errorBudget(slo: Slo): number {
  return Number((1 - slo.objective / 100).toPrecision(10));
}

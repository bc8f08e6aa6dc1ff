import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { durationSeconds, round } from './duration';
import { PERIODS, type Period } from './model';

/** One multi-window burn-rate condition: both windows above factor × error budget. */
export interface AlertWindow {
  shortWindow: string;
  longWindow: string;
  /** Share of the period's error budget consumed over the long window when the alert fires. */
  budgetShare: number;
  /** Burn-rate factor derived from the share: budgetShare × period / longWindow. */
  factor: number;
}

export interface PeriodWindows {
  period: Period;
  page: AlertWindow[];
  ticket: AlertWindow[];
}

/** The windows shipped with this package (slo/windows). */
export const DEFAULT_WINDOWS_DIR = join(__dirname, '..', 'windows');

export function burnFactor(budgetShare: number, period: string, longWindow: string): number {
  return round((budgetShare * durationSeconds(period)) / durationSeconds(longWindow), 6);
}

/** Every SLI window the alerts of a period need, shortest first, plus the period itself. */
export function sliWindows(windows: PeriodWindows): string[] {
  const all = new Set<string>();
  for (const w of [...windows.page, ...windows.ticket]) {
    all.add(w.shortWindow);
    all.add(w.longWindow);
  }
  all.add(windows.period);
  return [...all].sort((a, b) => durationSeconds(a) - durationSeconds(b));
}

/** Reads and checks one period's windows file. */
export function parsePeriodWindows(text: string, file: string): PeriodWindows {
  const fail = (what: string): never => {
    throw new Error(`${file}: ${what}`);
  };
  const doc = parse(text) as unknown;
  if (typeof doc !== 'object' || doc === null) return fail('expected a mapping with period, page and ticket');
  const raw = doc as Record<string, unknown>;
  const period = raw.period;
  if (!PERIODS.includes(period as Period)) return fail(`period must be one of ${PERIODS.join(', ')}`);
  const list = (key: 'page' | 'ticket'): AlertWindow[] => {
    const entries = raw[key];
    if (!Array.isArray(entries) || entries.length === 0) return fail(`${key} must be a non-empty list`);
    return entries.map((entry: unknown, i: number) => {
      const e = (entry ?? {}) as Record<string, unknown>;
      const where = `${key}[${i}]`;
      for (const field of ['shortWindow', 'longWindow'] as const) {
        if (typeof e[field] !== 'string' || !/^\d+[smhd]$/.test(e[field] as string)) {
          fail(`${where}.${field} must be a duration like 5m or 1h`);
        }
      }
      const shortWindow = e.shortWindow as string;
      const longWindow = e.longWindow as string;
      if (durationSeconds(shortWindow) >= durationSeconds(longWindow)) {
        fail(`${where}: shortWindow must be shorter than longWindow`);
      }
      const share = e.budgetShare;
      if (typeof share !== 'number' || !(share > 0 && share <= 1)) {
        fail(`${where}.budgetShare must be a number in (0, 1]`);
      }
      const budgetShare = share as number;
      return {
        shortWindow,
        longWindow,
        budgetShare,
        factor: burnFactor(budgetShare, period as string, longWindow),
      };
    });
  };
  return { period: period as Period, page: list('page'), ticket: list('ticket') };
}

const cache = new Map<string, Map<Period, PeriodWindows>>();

/** Loads slo/windows/<period>.yaml for every supported period (cached per directory). */
export function loadWindows(dir: string = DEFAULT_WINDOWS_DIR): Map<Period, PeriodWindows> {
  const hit = cache.get(dir);
  if (hit) return hit;
  const byPeriod = new Map<Period, PeriodWindows>();
  for (const period of PERIODS) {
    const file = join(dir, `${period}.yaml`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`could not read alert windows for ${period} from ${file}: ${(err as Error).message}`);
    }
    const windows = parsePeriodWindows(text, file);
    if (windows.period !== period)
      throw new Error(`${file}: period is ${windows.period}, expected ${period}`);
    byPeriod.set(period, windows);
  }
  cache.set(dir, byPeriod);
  return byPeriod;
}

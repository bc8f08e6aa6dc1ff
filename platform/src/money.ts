// Money at the API edge. Amounts travel as decimal strings ("12.50") or JSON numbers with at most
// two decimals and are held as integer cents everywhere inside, so no float ever touches a balance.
import { z } from 'zod';

/** The platform's one currency: gameday credits. */
export const CURRENCY = 'GDC';

// eslint-disable-next-line security/detect-unsafe-regex -- no nested repetition: digits, then an optional '.' and one or two digits
const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

export interface MoneyOptions {
  /** The largest accepted amount, in cents. */
  maxCents: number;
  /** The smallest accepted amount, in cents (default 1). */
  minCents?: number;
}

/** A zod schema for a positive amount: "12.5", "12.50" or 12.5 → 1250 (cents). */
export function money(options: MoneyOptions) {
  const min = options.minCents ?? 1;
  // z.unknown() rather than a union: zod's own number check would answer NaN with its own wording.
  return z.unknown().transform((value, ctx) => {
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: 'is required' });
      return z.NEVER;
    }
    const text =
      typeof value === 'number' ? numberText(value) : typeof value === 'string' ? value.trim() : undefined;
    if (text === undefined || text.startsWith('-')) {
      ctx.addIssue({ code: 'custom', message: 'must be a positive amount like "10.00"' });
      return z.NEVER;
    }
    const m = DECIMAL.exec(text);
    if (!m) {
      const fractional = /^\d+\.\d{3,}$/.test(text);
      ctx.addIssue({
        code: 'custom',
        message: fractional
          ? 'must have at most 2 decimals (whole cents)'
          : 'must be a positive amount like "10.00"',
      });
      return z.NEVER;
    }
    // Too many digits would lose precision before the range check could see it.
    if (m[1]!.replace(/^0+/, '').length > 13) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${formatCents(options.maxCents)}` });
      return z.NEVER;
    }
    const cents = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
    if (cents < min) {
      ctx.addIssue({
        code: 'custom',
        message: min === 1 ? 'must be greater than 0' : `must be at least ${formatCents(min)}`,
      });
      return z.NEVER;
    }
    if (cents > options.maxCents) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${formatCents(options.maxCents)}` });
      return z.NEVER;
    }
    return cents;
  });
}

/** A finite number's plain decimal text, or undefined (NaN, Infinity, exponent notation). */
function numberText(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  const text = String(n);
  return /e/i.test(text) ? (n < 0 ? '-' : 'e') : text;
}

/** 1250 → "12.50"; −5 → "-0.05". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

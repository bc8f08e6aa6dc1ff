import { formatCents, money } from './money';

const amount = money({ maxCents: 1_000_000 });

function issue(value: unknown): string | undefined {
  const r = amount.safeParse(value);
  return r.success ? undefined : r.error.issues[0]?.message;
}

describe('money', () => {
  it('reads decimal strings and numbers with up to two decimals as integer cents', () => {
    expect(amount.parse('12.5')).toBe(1250);
    expect(amount.parse('12.50')).toBe(1250);
    expect(amount.parse(' 7 ')).toBe(700);
    expect(amount.parse(0.01)).toBe(1);
    expect(amount.parse(10000)).toBe(1_000_000);
    // 0.29 * 100 is 28.999999999999996 in floating point: parsing the text avoids it.
    expect(amount.parse(0.29)).toBe(29);
  });

  it('refuses zero, negative, NaN, fractional-cent, exponent and huge amounts with a reason', () => {
    expect(issue(0)).toBe('must be greater than 0');
    expect(issue('0.00')).toBe('must be greater than 0');
    expect(issue(-1)).toBe('must be a positive amount like "10.00"');
    expect(issue('-1.00')).toBe('must be a positive amount like "10.00"');
    expect(issue('NaN')).toBe('must be a positive amount like "10.00"');
    expect(issue(Number.NaN)).toBe('must be a positive amount like "10.00"');
    expect(issue(Number.POSITIVE_INFINITY)).toBe('must be a positive amount like "10.00"');
    expect(issue('1.005')).toBe('must have at most 2 decimals (whole cents)');
    expect(issue(1.005)).toBe('must have at most 2 decimals (whole cents)');
    expect(issue(1e21)).toBe('must be a positive amount like "10.00"');
    expect(issue('1e3')).toBe('must be a positive amount like "10.00"');
    expect(issue('10000.01')).toBe('must be at most 10000.00');
    expect(issue('99999999999999999999')).toBe('must be at most 10000.00');
    expect(issue('')).toBe('must be a positive amount like "10.00"');
    expect(issue(true)).toBeDefined();
    expect(issue(null)).toBeDefined();
  });

  it('formats cents as a decimal string', () => {
    expect(formatCents(1250)).toBe('12.50');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(-105)).toBe('-1.05');
  });
});

import { durationSeconds } from '../src/duration';
import { burnFactor, loadWindows, PERIODS } from '../src';

describe('the alert windows in slo/windows', () => {
  const windows = loadWindows();

  it("give the SRE workbook's factors 14.4, 6, 3 and 1 for a 30-day period", () => {
    const w = windows.get('30d')!;
    expect([...w.page, ...w.ticket].map((x) => [x.shortWindow, x.longWindow, x.factor])).toEqual([
      ['5m', '1h', 14.4],
      ['30m', '6h', 6],
      ['2h', '1d', 3],
      ['6h', '3d', 1],
    ]);
  });

  it('scale the factors so every period consumes the same share of its budget before alerting', () => {
    const thirty = windows.get('30d')!;
    for (const period of PERIODS) {
      const w = windows.get(period)!;
      [...w.page, ...w.ticket].forEach((x, i) => {
        const reference = [...thirty.page, ...thirty.ticket][i]!;
        const share = (x.factor * durationSeconds(x.longWindow)) / durationSeconds(period);
        const referenceShare =
          (reference.factor * durationSeconds(reference.longWindow)) / durationSeconds('30d');
        expect(share).toBeCloseTo(referenceShare, 6);
      });
    }
    expect(windows.get('7d')!.page.map((x) => x.factor)).toEqual([3.36, 1.4]);
    expect(windows.get('28d')!.page.map((x) => x.factor)).toEqual([13.44, 5.6]);
  });

  it('derive a factor as budget share × period / long window', () => {
    expect(burnFactor(0.02, '30d', '1h')).toBe(14.4);
    expect(burnFactor(0.1, '7d', '3d')).toBe(0.233333);
  });
});

import { eventually } from './eventually';

describe('eventually', () => {
  it('returns the first value the check gives, trying again until then', async () => {
    let n = 0;
    expect(await eventually(() => (++n >= 3 ? n : undefined), { intervalMs: 1 })).toBe(3);
  });

  it('says what never happened, with the last error, when time is up', async () => {
    await expect(
      eventually(
        () => {
          throw new Error('connection refused');
        },
        { timeoutMs: 20, intervalMs: 5, what: 'the server answering' },
      ),
    ).rejects.toThrow('the server answering not met within 20 ms (last attempt: connection refused)');
  });
});

// The batching producer against a recording kafkajs Producer: what goes into each produce request.
// (The real broker is exercised by the pipeline tests in apps/leaderboard.)
import type { Message, Producer, ProducerRecord } from 'kafkajs';
import { BatchingProducer, KafkaUnavailable, messagesBytes } from '../src/data-access/batching-producer';

function recordingProducer(behaviour: (record: ProducerRecord) => Promise<void> = async () => undefined) {
  const sends: string[][] = [];
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async (record: ProducerRecord) => {
      sends.push(record.messages.map((m) => String(m.value)));
      await behaviour(record);
      return [];
    },
  } as unknown as Producer;
  return { producer, sends };
}

const msg = (value: string): Message => ({ key: 'p', value });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('BatchingProducer', () => {
  it('without linger sends at once, and gathers what arrives during a send into the next batch', async () => {
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    let calls = 0;
    const { producer, sends } = recordingProducer(() => (calls++ === 0 ? first : Promise.resolve()));
    const b = new BatchingProducer(producer, 'topic', { timeoutMs: 5000, lingerMs: 0 });
    const a = b.send([msg('a')]);
    await sleep(5);
    expect(sends).toEqual([['a']]);
    const rest = [b.send([msg('b')]), b.send([msg('c'), msg('d')])];
    release();
    await Promise.all([a, ...rest]);
    expect(sends).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('with linger, POSTs arriving within it share one produce request', async () => {
    const { producer, sends } = recordingProducer();
    const b = new BatchingProducer(producer, 'topic', { timeoutMs: 5000, lingerMs: 150 });
    const a = b.send([msg('a')]);
    await sleep(20);
    expect(sends).toEqual([]);
    const c = b.send([msg('b')]);
    await Promise.all([a, c]);
    expect(sends).toEqual([['a', 'b']]);
  });

  it('sends a full batch without waiting out the linger', async () => {
    const { producer, sends } = recordingProducer();
    // A linger longer than the test's own timeout (60 s): only a full batch can end it, so without
    // the early send this test times out.
    const b = new BatchingProducer(producer, 'topic', {
      timeoutMs: 5000,
      lingerMs: 120_000,
      maxBatchMessages: 3,
    });
    const a = b.send([msg('a')]);
    await sleep(10);
    expect(sends).toEqual([]);
    await Promise.all([a, b.send([msg('b'), msg('c')])]);
    expect(sends).toEqual([['a', 'b', 'c']]);
    // Too many for one request: the POST that does not fit goes in the next (itself a full batch).
    await Promise.all([b.send([msg('d'), msg('e')]), b.send([msg('f'), msg('g'), msg('h')])]);
    expect(sends.slice(1)).toEqual([
      ['d', 'e'],
      ['f', 'g', 'h'],
    ]);
    await b.close();
  });

  it('keeps each produce request under maxBatchBytes (one player: one partition, one record batch)', async () => {
    const { producer, sends } = recordingProducer();
    const big = (name: string) => msg(name + 'x'.repeat(999));
    const one = messagesBytes([big('a')]);
    expect(one).toBeGreaterThan(1000);
    expect(one).toBeLessThan(1100);
    const b = new BatchingProducer(producer, 'topic', {
      timeoutMs: 5000,
      lingerMs: 50,
      maxBatchBytes: 3 * one,
    });
    // Seven POSTs of one message each arrive within the linger: at most three fit in a request.
    await Promise.all('abcdefg'.split('').map((n) => b.send([big(n)])));
    expect(sends.map((s) => s.map((v) => v[0]).join(''))).toEqual(['abc', 'def', 'g']);
  });

  it('counts keys, values and headers in a message size', () => {
    expect(messagesBytes([{ key: 'k', value: 'é' }])).toBe(messagesBytes([{ key: 'k', value: 'ab' }]));
    const plain = messagesBytes([{ key: 'k', value: 'v' }]);
    expect(messagesBytes([{ key: 'k', value: 'v', headers: { traceparent: 'x'.repeat(55) } }])).toBe(
      plain + 'traceparent'.length + 55,
    );
    expect(messagesBytes([{ key: null, value: Buffer.alloc(10) }])).toBe(
      messagesBytes([{ key: 'k', value: 'v' }]) + 8,
    );
  });

  it('fails every POST of a batch Kafka refused, and the next batch still goes', async () => {
    let fail = true;
    const { producer, sends } = recordingProducer(async () => {
      if (fail) throw new Error('broker down');
    });
    const b = new BatchingProducer(producer, 'topic', { timeoutMs: 5000, lingerMs: 30 });
    const both = [b.send([msg('a')]), b.send([msg('b')])].map((p) => p.catch((e: unknown) => e));
    const errors = await Promise.all(both);
    for (const e of errors) {
      expect(e).toBeInstanceOf(KafkaUnavailable);
      expect((e as Error).message).toBe('broker down');
    }
    fail = false;
    await b.send([msg('c')]);
    expect(sends).toEqual([['a', 'b'], ['c']]);
  });

  it('fails a batch Kafka does not acknowledge in time', async () => {
    const { producer } = recordingProducer(() => new Promise(() => undefined));
    const b = new BatchingProducer(producer, 'topic', { timeoutMs: 100, lingerMs: 0 });
    await expect(b.send([msg('a')])).rejects.toThrow('no acknowledgement from Kafka in 100 ms');
  });
});

// Produces events with few, large requests: concurrent POSTs queue their messages, and one send
// takes everything queued (acks=all) while the next batch gathers. A POST is answered only when the
// batch holding its events was acknowledged by Kafka, so an acknowledged event is never lost; a
// failed or timed-out batch fails every POST in it (503), and clients retry with the same event ids.
//
// A produce request holds at most `maxBatchMessages` messages and `maxBatchBytes` bytes: keyed by
// player, one busy player's events all go to one partition, and a record batch over the broker's
// message.max.bytes (1 MiB by default) is refused whole (MESSAGE_TOO_LARGE).
//
// Like the Java producer's linger.ms, a batch may wait up to `lingerMs` after its oldest message
// was queued for more to arrive (it goes at once when a full request's worth is waiting). Kafka's
// cost is mostly per produce request, not per message: at a few thousand POSTs a second, a
// couple of milliseconds of lingering halves the broker's CPU per event.
import type { Message, Producer } from 'kafkajs';
import { instrumentedIfTraced, untraced } from '@gameday/telemetry';

interface Pending {
  messages: Message[];
  /** Their size as sent (keys, values, headers), roughly: for the batch bound. */
  bytes: number;
  /** performance.now() when queued. */
  at: number;
  resolve(): void;
  reject(err: Error): void;
}

export class KafkaUnavailable extends Error {}

export interface BatchingOptions {
  /** How long Kafka may take to acknowledge a batch before every POST in it fails. */
  timeoutMs: number;
  /** Most messages in one produce request. */
  maxBatchMessages?: number;
  /** Most bytes in one produce request (a POST larger than this goes alone). */
  maxBatchBytes?: number;
  /** How long a batch may wait for more messages after its oldest was queued (0: never). */
  lingerMs?: number;
}

export class BatchingProducer {
  private queue: Pending[] = [];
  private queuedMessages = 0;
  private queuedBytes = 0;
  private sending = false;
  private connected: Promise<void> | undefined;
  /** Ends a linger early (the batch is full). */
  private wake: (() => void) | undefined;
  private readonly timeoutMs: number;
  private readonly maxBatchMessages: number;
  private readonly maxBatchBytes: number;
  private readonly lingerMs: number;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    options: BatchingOptions,
  ) {
    this.timeoutMs = options.timeoutMs;
    this.maxBatchMessages = options.maxBatchMessages ?? 5000;
    this.maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;
    this.lingerMs = options.lingerMs ?? 0;
  }

  send(messages: Message[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const bytes = messagesBytes(messages);
      this.queue.push({ messages, bytes, at: performance.now(), resolve, reject });
      this.queuedMessages += messages.length;
      this.queuedBytes += bytes;
      // The loop serves every request's messages: it runs in none's trace context.
      if (!this.sending) void untraced(() => this.drain());
      else if (this.wake && this.full()) this.wake();
    });
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        await this.linger();
        const batch: Pending[] = [];
        let count = 0;
        let bytes = 0;
        while (
          this.queue.length > 0 &&
          (batch.length === 0 ||
            (count + this.queue[0]!.messages.length <= this.maxBatchMessages &&
              bytes + this.queue[0]!.bytes <= this.maxBatchBytes))
        ) {
          const p = this.queue.shift()!;
          batch.push(p);
          count += p.messages.length;
          bytes += p.bytes;
        }
        this.queuedMessages -= count;
        this.queuedBytes -= bytes;
        try {
          await this.withTimeout(this.sendNow(batch.flatMap((p) => p.messages)));
          for (const p of batch) p.resolve();
        } catch (err) {
          const failure = new KafkaUnavailable((err as Error).message);
          for (const p of batch) p.reject(failure);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** Whether what is queued fills a produce request. */
  private full(): boolean {
    return this.queuedMessages >= this.maxBatchMessages || this.queuedBytes >= this.maxBatchBytes;
  }

  /** Waits until the oldest queued message is lingerMs old, or the batch is full. */
  private async linger(): Promise<void> {
    if (this.lingerMs <= 0 || this.full()) return;
    const wait = this.queue[0]!.at + this.lingerMs - performance.now();
    if (wait < 1) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
    this.wake = undefined;
  }

  private async sendNow(messages: Message[]): Promise<void> {
    this.connected ??= this.producer.connect().catch((err: unknown) => {
      this.connected = undefined;
      throw err;
    });
    await this.connected;
    // A batch mixes many requests and is sent outside all of them: each message carries its own
    // request's trace context (see the events route), and the kafkajs instrumentation's producer
    // span per message could never be recorded here. So it is skipped (a span per message and its
    // attributes, on every event).
    const send = instrumentedIfTraced(this.producer.send);
    await send.call(this.producer, { topic: this.topic, acks: -1, messages });
  }

  private withTimeout<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no acknowledgement from Kafka in ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      p.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err as Error);
        },
      );
    });
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect().catch(() => undefined);
  }
}

/** Per record: attributes, timestamp and offset deltas, lengths (varints): a few bytes. */
const RECORD_OVERHEAD = 16;

function size(v: string | Buffer | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

/** The bytes `messages` take in a record batch, near enough to keep under the broker's limit. */
export function messagesBytes(messages: Message[]): number {
  let total = 0;
  for (const m of messages) {
    total += RECORD_OVERHEAD + size(m.key) + size(m.value);
    if (m.headers) {
      for (const [k, v] of Object.entries(m.headers)) {
        if (Array.isArray(v)) for (const x of v) total += k.length + size(x);
        else total += k.length + size(v);
      }
    }
  }
  return total;
}

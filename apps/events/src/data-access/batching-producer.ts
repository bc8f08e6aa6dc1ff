// Produces events with few, large requests: concurrent POSTs queue their messages, and one send
// takes everything queued (acks=all) while the next batch gathers. A POST is answered only when the
// batch holding its events was acknowledged by Kafka, so an acknowledged event is never lost; a
// failed or timed-out batch fails every POST in it (503), and clients retry with the same event ids.
import type { Message, Producer } from 'kafkajs';

interface Pending {
  messages: Message[];
  resolve(): void;
  reject(err: Error): void;
}

export class KafkaUnavailable extends Error {}

export class BatchingProducer {
  private queue: Pending[] = [];
  private sending = false;
  private connected: Promise<void> | undefined;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly timeoutMs: number,
    private readonly maxBatchMessages = 5000,
  ) {}

  send(messages: Message[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ messages, resolve, reject });
      if (!this.sending) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const batch: Pending[] = [];
        let count = 0;
        while (
          this.queue.length > 0 &&
          (batch.length === 0 || count + this.queue[0]!.messages.length <= this.maxBatchMessages)
        ) {
          const p = this.queue.shift()!;
          batch.push(p);
          count += p.messages.length;
        }
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

  private async sendNow(messages: Message[]): Promise<void> {
    this.connected ??= this.producer.connect().catch((err: unknown) => {
      this.connected = undefined;
      throw err;
    });
    await this.connected;
    await this.producer.send({ topic: this.topic, acks: -1, messages });
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

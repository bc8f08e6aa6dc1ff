// --follow: streams new lines of every child's log file to the console, prefixed with its name.
// Children write to their files directly (see child-process.ts), so following is reading, not piping.

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

export class LogFollower {
  private readonly offsets = new Map<string, number>();
  private readonly partial = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly width: number;

  constructor(
    private readonly files: { name: string; file: string }[],
    private readonly print: (line: string) => void,
  ) {
    this.width = Math.max(...files.map((f) => f.name.length));
  }

  start(): void {
    // Only what is written from now on.
    for (const f of this.files) this.offsets.set(f.file, existsSync(f.file) ? statSync(f.file).size : 0);
    this.timer = setInterval(() => this.poll(), 250);
  }

  stop(): void {
    this.poll();
    if (this.timer) clearInterval(this.timer);
  }

  private poll(): void {
    for (const { name, file } of this.files) {
      if (!existsSync(file)) continue;
      const size = statSync(file).size;
      let offset = this.offsets.get(file) ?? 0;
      if (size < offset) offset = 0;
      if (size === offset) continue;
      const buf = Buffer.alloc(Math.min(size - offset, 1024 * 1024));
      const fd = openSync(file, 'r');
      try {
        readSync(fd, buf, 0, buf.length, offset);
      } finally {
        closeSync(fd);
      }
      this.offsets.set(file, offset + buf.length);
      const text = (this.partial.get(file) ?? '') + buf.toString('utf8');
      const lines = text.split('\n');
      this.partial.set(file, lines.pop() ?? '');
      for (const line of lines) if (line) this.print(`${name.padEnd(this.width)} │ ${line}`);
    }
  }
}

// The one Kafka launcher, for the local stack (stack/src/kafka.ts) and the tests' brokers
// (testing/src/kafka.ts): `node scripts/kafka.mjs prepare` fetches the jars from Maven Central
// (once), writes the configuration and formats the storage, and prints the command that runs the
// broker (a single KRaft node: broker and controller in one JVM).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

/** What `node scripts/kafka.mjs prepare` prints: how to run the broker it prepared. */
export interface BrokerCommand {
  version: string;
  libs: string;
  dataDir: string;
  command: string;
  args: string[];
}

export interface PrepareBrokerOptions {
  /** The repository root (where scripts/kafka.mjs is). */
  root: string;
  /** The broker's directory: configuration and data. */
  dir: string;
  port: number;
  controllerPort: number;
  /** The port clients are told to use (a proxy in front of the broker); the broker's own by default. */
  advertisedPort?: number;
  /** The broker's log4j file; the console when absent. */
  logFile?: string;
  /** Progress lines of the preparation ("fetching the Kafka jars…"), as they come. */
  progress?: (line: string) => void;
}

const ERROR_PREFIX = '[kafka] error: ';

/** Runs `node scripts/kafka.mjs prepare`; its error says what went wrong (no Java, no network…). */
export function prepareKafkaBroker(o: PrepareBrokerOptions): Promise<BrokerCommand> {
  const args = [
    join(o.root, 'scripts', 'kafka.mjs'),
    'prepare',
    '--dir',
    o.dir,
    '--port',
    String(o.port),
    '--controller-port',
    String(o.controllerPort),
    ...(o.advertisedPort !== undefined ? ['--advertised-port', String(o.advertisedPort)] : []),
    ...(o.logFile !== undefined ? ['--log-file', o.logFile] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: o.root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      const text = stripVTControlCharacters(d.toString());
      stderr += text;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = line.match(/^\[kafka\] (.*)$/);
        if (m && !m[1]!.startsWith('error: ')) o.progress?.(m[1]!);
      }
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) {
        const at = stderr.indexOf(ERROR_PREFIX);
        const why = (at >= 0 ? stderr.slice(at + ERROR_PREFIX.length) : stderr).trim();
        reject(new Error(why || `node scripts/kafka.mjs prepare exited with ${code}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as BrokerCommand);
      } catch {
        reject(new Error(`node scripts/kafka.mjs prepare printed no command: ${stdout}${stderr}`));
      }
    });
  });
}

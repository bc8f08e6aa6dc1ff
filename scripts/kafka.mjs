#!/usr/bin/env node
// A single-node Apache Kafka broker in KRaft mode for the local stack and the tests, from the jars of
// Maven Central (no Docker, no tarball): stack/kafka/pom.xml names them, Maven fetches them once
// into a cache, and `java -cp '<libs>/*' kafka.Kafka server.properties` runs the broker. Kafka 3.9:
// 4.x removed the old protocol versions kafkajs speaks.
//
//   node scripts/kafka.mjs                  fetch the jars (once) and print the libs directory
//   node scripts/kafka.mjs prepare --dir D --port P --controller-port C [--log-file F]
//                                           also write D/config, format D/data once (fresh cluster
//                                           id) and print the broker's command line as JSON
//
// Plain Node with no dependencies: scripts/bootstrap.mjs imports it, and the TypeScript side
// (testing/src/kafka.ts, stack/src/kafka.ts) runs it, so the broker's configuration lives here only.
// Progress goes to stderr; stdout carries only the answer.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withLock } from './lib/lock.mjs';
import { stripVTControlCharacters } from 'node:util';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const pomOf = (root) => join(root, 'stack', 'kafka', 'pom.xml');

const defaultProgress = (msg) => process.stderr.write(`\x1b[36m[kafka]\x1b[0m ${msg}\n`);

export class KafkaSetupError extends Error {}

/** The Kafka version the pom pins (its <kafka.version> property). */
export function kafkaVersion(root = repoRoot) {
  const pom = readFileSync(pomOf(root), 'utf8');
  const m = pom.match(/<kafka\.version>([^<]+)<\/kafka\.version>/);
  if (!m) throw new KafkaSetupError(`${pomOf(root)} has no <kafka.version> property`);
  return m[1].trim();
}

/** An executable in PATH (or undefined). */
function which(name, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** java from JAVA_HOME, else from PATH; the error says how to install it. */
export function javaExecutable(env = process.env) {
  if (env.JAVA_HOME && existsSync(join(env.JAVA_HOME, 'bin', 'java')))
    return join(env.JAVA_HOME, 'bin', 'java');
  const found = which('java', env);
  if (found) return found;
  throw new KafkaSetupError(
    'java not found: the Kafka broker needs Java 17 (apt-get install openjdk-17-jre-headless, or set JAVA_HOME). ' +
      'To use another Kafka instead, set KAFKA_BROKERS.',
  );
}

/**
 * Makes sure the broker's jars are in `<cacheDir>/<version>/libs` and returns that directory. Maven
 * runs only when the stamp beside libs/ does not match the pom (first time, or the pom changed).
 * Cache: GAMEDAY_KAFKA_CACHE, default <repo>/node_modules/.cache/gameday-kafka; Maven's ~/.m2 too.
 */
export function ensureKafkaJars({
  root = repoRoot,
  cacheDir,
  progress = defaultProgress,
  env = process.env,
} = {}) {
  const pom = pomOf(root);
  const version = kafkaVersion(root);
  const base = resolve(
    cacheDir ?? env.GAMEDAY_KAFKA_CACHE ?? join(root, 'node_modules', '.cache', 'gameday-kafka'),
  );
  const dir = join(base, version);
  const libs = join(dir, 'libs');
  const stampFile = join(dir, 'stamp');
  const wanted = createHash('sha256').update(readFileSync(pom)).digest('hex');
  const done = () =>
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8').trim() === wanted &&
    existsSync(join(libs, `kafka_2.13-${version}.jar`));
  if (done()) return libs;

  mkdirSync(dir, { recursive: true });
  return withLock(
    join(dir, '.lock'),
    {
      progress,
      what: 'fetch of the Kafka jars',
      timeoutMinutes: 15,
      pollMs: 250,
      timeoutError: (m) => new KafkaSetupError(m),
    },
    () => {
      if (done()) return libs; // fetched by the process we waited for
      const mvn = which('mvn', env);
      if (!mvn) {
        throw new KafkaSetupError(
          'mvn not found: the Kafka broker jars come from Maven Central through Maven ' +
            '(apt-get install maven, or run `node scripts/bootstrap.mjs --stack`). To use another Kafka instead, set KAFKA_BROKERS.',
        );
      }
      javaExecutable(env); // Maven needs it too; fail with the clearer message
      progress(
        `fetching the Kafka ${version} broker jars from Maven Central (mvn, about 50 MB, first time only)…`,
      );
      const began = Date.now();
      const tmp = join(dir, `libs.tmp-${process.pid}`);
      rmSync(tmp, { recursive: true, force: true });
      const r = spawnSync(
        mvn,
        [
          '-B',
          '-q',
          '-Dstyle.color=never',
          '-f',
          pom,
          'dependency:copy-dependencies',
          `-DoutputDirectory=${tmp}`,
          '-DincludeScope=runtime',
        ],
        { cwd: root, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 },
      );
      if (r.status !== 0) {
        rmSync(tmp, { recursive: true, force: true });
        const out = stripVTControlCharacters(`${r.stdout ?? ''}${r.stderr ?? ''}`).trim();
        throw new KafkaSetupError(
          `fetching the Kafka jars failed (mvn exit ${r.status ?? r.signal ?? r.error}):\n${out.split('\n').slice(-30).join('\n')}\n` +
            `Check that Maven Central is reachable (or ~/.m2/settings.xml names a mirror) and run again: node scripts/kafka.mjs`,
        );
      }
      if (!existsSync(join(tmp, `kafka_2.13-${version}.jar`))) {
        rmSync(tmp, { recursive: true, force: true });
        throw new KafkaSetupError(`mvn succeeded but ${tmp} has no kafka_2.13-${version}.jar; check ${pom}.`);
      }
      rmSync(libs, { recursive: true, force: true });
      renameSync(tmp, libs);
      writeFileSync(stampFile, wanted + '\n');
      const count = readdirSync(libs).filter((f) => f.endsWith('.jar')).length;
      progress(`Kafka ${version}: ${count} jars in ${libs} (${((Date.now() - began) / 1000).toFixed(1)} s)`);
      return libs;
    },
  );
}

/** A Kafka cluster id: a random UUID in URL-safe base64 without padding (what `random-uuid` prints). */
function clusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** server.properties of a combined broker+controller node on 127.0.0.1 (no replication). */
export function serverProperties({ dataDir, port, controllerPort, advertisedPort = port }) {
  return [
    '# Written by scripts/kafka.mjs at every start: edit that file, not this one.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    // Clients reach the broker at the advertised port: the Toxiproxy in front of it on the local stack.
    `advertised.listeners=PLAINTEXT://127.0.0.1:${advertisedPort}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    // One node: every internal topic has one replica, and one partition is plenty locally (the
    // default 50 partitions of __consumer_offsets make the first group join slow).
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'num.partitions=1',
    'auto.create.topics.enable=false',
    'group.initial.rebalance.delay.ms=0',
    // After a crash the restarted node may register again only once the session of its previous
    // incarnation has expired (default 9 s). Broker and controller share the JVM here, so a short
    // session is safe, and a restart takes a few seconds instead of 15.
    'broker.heartbeat.interval.ms=500',
    'broker.session.timeout.ms=3000',
    // Small and light: 2 cores, a 512 MB heap (the cleaner's dedupe buffer defaults to 128 MB).
    'num.network.threads=2',
    'num.io.threads=4',
    'num.recovery.threads.per.data.dir=2',
    'log.cleaner.threads=1',
    'log.cleaner.dedupe.buffer.size=16777216',
    'log.segment.bytes=16777216',
    'log.retention.check.interval.ms=60000',
    '',
  ].join('\n');
}

/** log4j 1.x (reload4j) configuration: to a file when given, else to stdout (the stack's log file). */
export function log4jProperties(logFile) {
  const appender = logFile
    ? [
        'log4j.appender.out=org.apache.log4j.FileAppender',
        `log4j.appender.out.File=${logFile}`,
        'log4j.appender.out.Append=true',
      ]
    : ['log4j.appender.out=org.apache.log4j.ConsoleAppender', 'log4j.appender.out.Target=System.out'];
  return [
    'log4j.rootLogger=INFO, out',
    ...appender,
    'log4j.appender.out.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // As Kafka's own config/log4j.properties: the request and state-change logs are chatty.
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.org.apache.kafka.clients=WARN',
    '',
  ].join('\n');
}

export const javaOptions = [
  '-Xms128m',
  '-Xmx512m',
  // One small heap on 2 cores: the serial collector starts fastest and has the fewest threads.
  '-XX:+UseSerialGC',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

/**
 * Everything before the broker's first start in `dir`: the jars, dir/config/{server,log4j}.properties
 * (rewritten each time, so the ports may change), and dir/data formatted once with a fresh cluster
 * id. Returns the command line of the broker.
 */
export function prepareKafka({
  root = repoRoot,
  dir,
  port,
  controllerPort,
  advertisedPort = port,
  logFile,
  progress = defaultProgress,
  env = process.env,
}) {
  if (!dir) throw new KafkaSetupError('prepareKafka: dir is required');
  for (const [name, p] of [
    ['port', port],
    ['controllerPort', controllerPort],
  ]) {
    if (!Number.isInteger(p) || p < 1 || p > 65535)
      throw new KafkaSetupError(`prepareKafka: bad ${name} ${p}`);
  }
  if (port === controllerPort) throw new KafkaSetupError(`the broker and controller ports are both ${port}`);
  const libs = ensureKafkaJars({ root, progress, env });
  const java = javaExecutable(env);
  const dataDir = join(resolve(dir), 'data');
  const configDir = join(resolve(dir), 'config');
  mkdirSync(configDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true });
  const config = join(configDir, 'server.properties');
  const log4j = join(configDir, 'log4j.properties');
  writeFileSync(config, serverProperties({ dataDir, port, controllerPort, advertisedPort }));
  writeFileSync(log4j, log4jProperties(logFile ? resolve(logFile) : undefined));
  const classpath = `${libs}/*`;
  const jvm = [...javaOptions, `-Dlog4j.configuration=file:${log4j}`, '-cp', classpath];

  if (!existsSync(join(dataDir, 'meta.properties'))) {
    progress(`formatting the Kafka storage in ${dataDir} (first start only)…`);
    const r = spawnSync(
      java,
      [...jvm, 'kafka.tools.StorageTool', 'format', '--cluster-id', clusterId(), '--config', config],
      { encoding: 'utf8', env },
    );
    if (r.status !== 0) {
      throw new KafkaSetupError(
        `formatting the Kafka storage failed (exit ${r.status ?? r.signal ?? r.error}): ${`${r.stdout}${r.stderr}`.trim()}\n` +
          `Delete ${dataDir} (local data only) and start again.`,
      );
    }
  }
  return {
    version: kafkaVersion(root),
    libs,
    dataDir,
    config,
    command: java,
    args: [...jvm, 'kafka.Kafka', config],
  };
}

function parseArgs(argv) {
  const [cmd = 'fetch', ...rest] = argv;
  const opts = {};
  for (let i = 0; i < rest.length; i++) {
    const m = rest[i].match(/^--([a-z-]+)(?:=(.*))?$/);
    if (!m) throw new KafkaSetupError(`unexpected argument ${rest[i]}`);
    opts[m[1]] = m[2] ?? rest[++i];
  }
  return { cmd, opts };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { cmd, opts } = parseArgs(process.argv.slice(2));
    if (cmd === 'fetch') {
      process.stdout.write(ensureKafkaJars() + '\n');
    } else if (cmd === 'prepare') {
      const broker = prepareKafka({
        dir: opts.dir,
        port: Number(opts.port),
        controllerPort: Number(opts['controller-port']),
        advertisedPort: opts['advertised-port'] === undefined ? undefined : Number(opts['advertised-port']),
        logFile: opts['log-file'],
      });
      process.stdout.write(JSON.stringify(broker) + '\n');
    } else {
      throw new KafkaSetupError(`unknown command ${cmd}: use fetch or prepare`);
    }
  } catch (err) {
    process.stderr.write(
      `\x1b[31m[kafka] error: ${err instanceof KafkaSetupError ? err.message : err.stack}\x1b[0m\n`,
    );
    process.exit(1);
  }
}

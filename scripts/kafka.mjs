#!/usr/bin/env node
// A real single-node Apache Kafka (KRaft) on 127.0.0.1, from the official Maven Central
// artifacts and the machine's Java; no Docker. `npm run kafka:up` / `npm run kafka:down`.
//
//   .cache/kafka/lib/        jars resolved by Maven from scripts/kafka/pom.xml (once per machine)
//   .cache/kafka/<port>/     server.properties, data (log.dirs), broker.log, broker.pid,
//                            leases/<pid> (test runs using it), auto-stop (started by tests)
//
// Also imported by the test harness (test/support/services.ts): ensureKafka() / stopKafka().
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, '.cache', 'kafka');
const libDir = join(cacheDir, 'lib');
const pom = join(root, 'scripts', 'kafka', 'pom.xml');

export class KafkaSetupError extends Error {}

/** Java 17+ and Maven are needed only for this local broker, never for `npm start`. */
export function checkPrerequisites() {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) {
    throw new KafkaSetupError(
      'Java 17+ is required to run the local Kafka broker but `java` was not found.\n' +
        '  Install it (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless) or point the tests\n' +
        '  at an existing broker with KAFKA_BROKERS=host:port.',
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${java.stderr}${java.stdout}`);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : 0;
  if (major < 17) {
    throw new KafkaSetupError(
      `Java 17+ is required by Kafka 4.x, found Java ${major || 'of unknown version'}.`,
    );
  }
  if (!existsSync(libDir) || readdirSync(libDir).length === 0) {
    const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
    if (mvn.error || mvn.status !== 0) {
      throw new KafkaSetupError(
        'Maven is required once to fetch the Kafka jars from Maven Central but `mvn` was not found.\n' +
          '  Install it (Debian/Ubuntu: apt-get install -y maven) or set KAFKA_BROKERS=host:port.',
      );
    }
  }
}

function resolveJars(log) {
  if (existsSync(libDir) && readdirSync(libDir).some((f) => f.startsWith('kafka_2.13-'))) return;
  log(`resolving Apache Kafka jars from Maven Central into ${libDir} …`);
  mkdirSync(libDir, { recursive: true });
  const args = [
    '-q',
    '-B',
    '-f',
    pom,
    'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${libDir}`,
  ];
  const r = spawnSync('mvn', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    rmSync(libDir, { recursive: true, force: true });
    throw new KafkaSetupError(`Maven could not resolve the Kafka jars:\n${r.stdout}\n${r.stderr}`);
  }
}

function paths(port) {
  const dir = join(cacheDir, String(port));
  return {
    dir,
    data: join(dir, 'data'),
    props: join(dir, 'server.properties'),
    log4j: join(dir, 'log4j2.properties'),
    log: join(dir, 'broker.log'),
    pid: join(dir, 'broker.pid'),
    leases: join(dir, 'leases'),
    autoStop: join(dir, 'auto-stop'),
    startLock: join(dir, 'start.lock'),
  };
}

/**
 * Runs `fn` while holding the port's start lock (a file made with O_EXCL, holding the pid), so
 * two test runs starting at the same moment do not both start a broker: the second waits, then
 * finds the first one's. A lock whose process is gone is stale and taken over.
 */
export async function withStartLock({ port = 19092, pid = process.pid, timeoutMs = 120_000 }, fn) {
  const p = paths(port);
  mkdirSync(p.dir, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(p.startLock, String(pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error?.code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(p.startLock, 'utf8').trim());
      if (!(Number.isInteger(holder) && holder > 0 && isAlive(holder))) {
        rmSync(p.startLock, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new KafkaSetupError(
          `timed out after ${timeoutMs / 1000} s waiting for process ${holder} to start the local broker (${p.startLock})`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(p.startLock, { force: true });
  }
}

/**
 * Several test runs can share one broker (two checkouts, a watch run beside a full run). Each
 * holds a lease, a file named by its pid, while it uses the broker; the broker a test run
 * started is stopped by the last run to let go, not by the one that started it, so no run
 * loses its broker halfway. A broker started by `kafka:up` is the user's and stays up.
 */
export function takeKafkaLease({ port = 19092, pid = process.pid } = {}) {
  const p = paths(port);
  mkdirSync(p.leases, { recursive: true });
  writeFileSync(join(p.leases, String(pid)), '');
}

/** Drop this run's lease; stop the broker if tests started it and no live run still holds one. */
export async function releaseKafkaLease({ port = 19092, pid = process.pid } = {}) {
  const p = paths(port);
  rmSync(join(p.leases, String(pid)), { force: true });
  const holders = existsSync(p.leases) ? readdirSync(p.leases).map(Number) : [];
  const live = holders.filter((h) => Number.isInteger(h) && h > 0 && isAlive(h));
  // A run that was killed cannot release: its lease goes when its pid is gone.
  for (const h of holders)
    if (!live.includes(h)) rmSync(join(p.leases, String(h)), { force: true });
  if (!shouldStopBroker({ liveLeases: live.length, startedByTests: existsSync(p.autoStop) })) {
    return false;
  }
  return stopKafka({ port });
}

/** The rule, pure for its test: the last leaseholder stops only a broker tests started. */
export function shouldStopBroker({ liveLeases, startedByTests }) {
  return liveLeases === 0 && startedByTests;
}

function writeConfig(port, p) {
  mkdirSync(p.dir, { recursive: true });
  writeFileSync(
    p.props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      // Static quorum: no --standalone at format time.
      `controller.quorum.voters=1@127.0.0.1:${port + 1}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${p.data}`,
      'num.partitions=4',
      'offsets.topic.replication.factor=1',
      // One partition for consumer offsets: the first group join is much faster.
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      // The default 3 s delay before the first rebalance slows every test's consumer join.
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=true',
      // A development broker: keep disk small.
      'log.retention.hours=24',
      'log.segment.bytes=67108864',
      '',
    ].join('\n'),
  );
  writeFileSync(
    p.log4j,
    [
      'status = warn',
      'appender.file.type = File',
      'appender.file.name = FILE',
      `appender.file.fileName = ${p.log}`,
      'appender.file.layout.type = PatternLayout',
      'appender.file.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = warn',
      'rootLogger.appenderRef.file.ref = FILE',
      'logger.kafka.name = kafka',
      'logger.kafka.level = warn',
      '',
    ].join('\n'),
  );
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPid(p) {
  if (!existsSync(p.pid)) return null;
  const pid = Number(readFileSync(p.pid, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

function portAnswers(port, timeoutMs = 500) {
  return new Promise((res) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      res(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Wait until the broker answers a metadata request (the port alone opens too early). */
async function waitReady(port, pid, p, timeoutMs) {
  const { default: kafkajs } = await import('kafkajs');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pid !== null && !isAlive(pid)) {
      const tail = existsSync(p.log)
        ? readFileSync(p.log, 'utf8').split('\n').slice(-30).join('\n')
        : '';
      throw new KafkaSetupError(`the Kafka broker exited during startup; last log lines:\n${tail}`);
    }
    if (await portAnswers(port)) {
      const kafka = new kafkajs.Kafka({
        brokers: [`127.0.0.1:${port}`],
        logLevel: kafkajs.logLevel.NOTHING,
        retry: { retries: 0 },
      });
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length > 0 && cluster.controller !== null) return;
      } catch {
        // not ready yet
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new KafkaSetupError(
    `the Kafka broker did not become ready within ${timeoutMs / 1000} s (log: ${p.log})`,
  );
}

/**
 * A cluster id as `kafka-storage random-uuid` makes one: 16 random bytes in base64url. One in 64
 * of those starts with '-', and the storage tool's argument parser then reads `-t -Yoh…` as a
 * flag with no value and fails ("argument --cluster-id/-t: expected one argument"): a CI run
 * failed so. Kafka's own Uuid.randomUuid draws again in that case; so does this.
 */
export function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Start the broker unless it already runs. Returns { brokers, startedHere, startMs }.
 * `fresh: true` wipes its data first (tests that want an empty cluster).
 */
export async function ensureKafka(options = {}) {
  // One run at a time decides whether to start a broker (see withStartLock).
  return withStartLock({ port: options.port ?? 19092 }, () => ensureKafkaLocked(options));
}

async function ensureKafkaLocked({
  port = 19092,
  fresh = false,
  log = () => {},
  timeoutMs = 90_000,
  autoStop = false,
} = {}) {
  const p = paths(port);
  const running = readPid(p);
  if (running !== null && (await portAnswers(port))) {
    await waitReady(port, running, p, timeoutMs);
    return { brokers: [`127.0.0.1:${port}`], startedHere: false, startMs: 0 };
  }
  if (await portAnswers(port)) {
    // Someone else's broker (another checkout, a previous run): use it if it speaks Kafka.
    try {
      await waitReady(port, null, p, 10_000);
      return { brokers: [`127.0.0.1:${port}`], startedHere: false, startMs: 0 };
    } catch {
      throw new KafkaSetupError(
        `port ${port} is taken by a process that is not a Kafka broker; set KAFKA_LOCAL_PORT to another port`,
      );
    }
  }
  checkPrerequisites();
  resolveJars(log);
  const started = Date.now();
  if (fresh) rmSync(p.data, { recursive: true, force: true });
  writeConfig(port, p);
  const classpath = `${libDir}/*`;
  if (!existsSync(join(p.data, 'meta.properties'))) {
    const clusterId = newClusterId();
    execFileSync(
      'java',
      [
        '-Xmx256m',
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        p.props,
        '--ignore-formatted',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  }
  const out = openSync(p.log, 'a');
  const child = spawn(
    'java',
    [
      '-Xms256m',
      '-Xmx768m',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${p.log4j}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      p.props,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  writeFileSync(p.pid, String(child.pid));
  if (autoStop) writeFileSync(p.autoStop, '');
  else rmSync(p.autoStop, { force: true });
  await waitReady(port, child.pid ?? null, p, timeoutMs);
  return { brokers: [`127.0.0.1:${port}`], startedHere: true, startMs: Date.now() - started };
}

export async function stopKafka({ port = 19092, timeoutMs = 30_000 } = {}) {
  const p = paths(port);
  const pid = readPid(p);
  if (pid === null) return false;
  process.kill(pid, 'SIGTERM'); // controlled shutdown
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(p.pid, { force: true });
  rmSync(p.autoStop, { force: true });
  return true;
}

async function main() {
  const command = process.argv[2];
  const port = Number(process.env.KAFKA_LOCAL_PORT ?? 19092);
  try {
    if (command === 'up') {
      const r = await ensureKafka({ port, log: (m) => console.error(m) });
      // Asked for by hand: the user's broker from now on, even if a test run started it.
      rmSync(paths(port).autoStop, { force: true });
      console.error(
        r.startedHere
          ? `Kafka started in ${(r.startMs / 1000).toFixed(1)} s`
          : 'Kafka is already up',
      );
      console.log(r.brokers.join(','));
      console.error(`use: KAFKA_BROKERS=${r.brokers.join(',')}  (stop with npm run kafka:down)`);
    } else if (command === 'down') {
      console.error((await stopKafka({ port })) ? 'Kafka stopped' : 'Kafka was not running');
    } else {
      console.error(
        'usage: node scripts/kafka.mjs up|down   (env KAFKA_LOCAL_PORT, default 19092)',
      );
      process.exitCode = 2;
    }
  } catch (error) {
    console.error(`kafka: ${error instanceof KafkaSetupError ? error.message : error.stack}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();

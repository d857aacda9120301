#!/usr/bin/env node
// Smoke test: kafkajs (the client the Argus services use) against the local Kafka.
// Proves the client still works after KIP-896 (Kafka 4.x removed old protocol versions):
// admin create topic (3 partitions), idempotent producer, consumer group with
// manual offset commits, list groups / fetch offsets, delete group and topic.
//
// Usage: node infra/local/smoke/kafka-smoke.mjs   (reads ARGUS_KAFKA_BROKERS, default 127.0.0.1:19092)
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const { Kafka, Partitioners, logLevel } = require('kafkajs');

const brokers = (process.env.ARGUS_KAFKA_BROKERS || '127.0.0.1:19092')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const run = `${Date.now()}-${process.pid}`;
const topic = `argus-smoke-${run}`;
const groupId = `argus-smoke-group-${run}`;
const COUNT = 60;
const DEADLINE_MS = 90_000;

const kafka = new Kafka({
  clientId: 'argus-kafka-smoke',
  brokers,
  logLevel: logLevel.WARN,
  retry: { retries: 5 },
});

let failures = 0;
const ok = (msg) => console.log(`ok   - ${msg}`);
const fail = (msg) => {
  failures += 1;
  console.log(`FAIL - ${msg}`);
};
const check = (cond, msg) => (cond ? ok(msg) : fail(msg));

const watchdog = setTimeout(() => {
  console.error(`kafka-smoke: timed out after ${DEADLINE_MS / 1000}s`);
  process.exit(2);
}, DEADLINE_MS);
watchdog.unref();

const admin = kafka.admin();
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
});
const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });

async function main() {
  console.log(`kafka-smoke: brokers=${brokers.join(',')} topic=${topic}`);
  await admin.connect();

  const cluster = await admin.describeCluster();
  check(cluster.brokers.length >= 1, `describeCluster: ${cluster.brokers.length} broker(s), controller ${cluster.controller}`);

  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  check(created === true, 'createTopics: topic created with 3 partitions');

  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  check(meta.topics[0]?.partitions.length === 3, `fetchTopicMetadata: ${meta.topics[0]?.partitions.length} partitions`);

  await producer.connect();
  const half = COUNT / 2;
  // send(): one record at a time, keys spread over the partitions.
  for (let i = 0; i < half; i += 1) {
    await producer.send({ topic, messages: [{ key: `k${i % 7}`, value: `v${i}`, headers: { n: String(i) } }] });
  }
  // sendBatch(): the rest in one request.
  const batch = [];
  for (let i = half; i < COUNT; i += 1) batch.push({ key: `k${i % 7}`, value: `v${i}`, headers: { n: String(i) } });
  const acks = await producer.sendBatch({ topicMessages: [{ topic, messages: batch }] });
  check(
    acks.every((a) => a.errorCode === 0),
    `idempotent producer: ${COUNT} messages acknowledged`,
  );

  const topicOffsets = await admin.fetchTopicOffsets(topic);
  const end = topicOffsets.reduce((s, p) => s + Number(p.high), 0);
  check(end === COUNT, `fetchTopicOffsets: high watermarks sum to ${end}`);
  check(topicOffsets.filter((p) => Number(p.high) > 0).length >= 2, 'messages landed on more than one partition');

  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const seen = new Set();
  let resolveAll;
  const allSeen = new Promise((r) => {
    resolveAll = r;
  });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic: t, partition, message }) => {
      seen.add(message.value.toString());
      await consumer.commitOffsets([{ topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      if (seen.size === COUNT) resolveAll();
    },
  });
  await Promise.race([allSeen, sleep(60_000)]);
  check(seen.size === COUNT, `consumer group: received ${seen.size}/${COUNT} distinct messages`);

  const { groups } = await admin.listGroups();
  check(
    groups.some((g) => g.groupId === groupId),
    `listGroups: ${groupId} listed`,
  );

  const described = await admin.describeGroups([groupId]);
  check(
    described.groups[0]?.state === 'Stable',
    `describeGroups: state ${described.groups[0]?.state}, ${described.groups[0]?.members.length} member(s)`,
  );

  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  const committedSum = committed[0].partitions.reduce((s, p) => s + Number(p.offset), 0);
  check(committedSum === COUNT, `fetchOffsets: committed offsets sum to ${committedSum}`);

  await consumer.disconnect();
  await producer.disconnect();

  const deletedGroups = await admin.deleteGroups([groupId]);
  check(
    deletedGroups.every((g) => g.errorCode === 'NONE' || !g.error),
    'deleteGroups: group deleted',
  );

  await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
  let gone = false;
  for (let i = 0; i < 20 && !gone; i += 1) {
    gone = !(await admin.listTopics()).includes(topic);
    if (!gone) await sleep(250);
  }
  check(gone, 'deleteTopics: topic deleted');
  await admin.disconnect();
}

try {
  await main();
} catch (err) {
  fail(`unexpected error: ${err?.name}: ${err?.message}`);
  console.error(err);
  await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
  try {
    await admin.deleteTopics({ topics: [topic] });
  } catch {
    /* best effort */
  }
  await admin.disconnect().catch(() => {});
}
console.log(failures === 0 ? 'kafka-smoke: PASS' : `kafka-smoke: FAIL (${failures} check(s) failed)`);
process.exit(failures === 0 ? 0 : 1);

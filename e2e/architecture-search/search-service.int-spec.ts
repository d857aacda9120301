// The architecture-search service on the real Kafka and Postgres of infra/local, each role its own
// process (services/architecture-search/src/main.ts with ARGUS_SEARCH_ROLES): a controller and
// trial workers that train real (tiny) trials with @argus/search's evaluator on synthetic PCB
// scenes. (a) a search runs to its trial budget on two workers, its state, trials and front in
// Postgres; (b) a worker killed with SIGKILL mid-trial: the trial is redelivered to the other
// worker and counted once; (c) the controller killed with SIGKILL mid-search and started again:
// the search resumes with the same trials and finishes, nothing counted twice.
import { randomBytes, randomUUID } from 'node:crypto';
import { type SearchCompletedV1, type SearchRequestedV1, Topics } from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, type MessagingLogger } from '@argus/messaging';
import { runMigrations } from '@argus/persistence';
import { tinyPcbSpec } from '@argus/vision/testing';
import { ConsumerGroupAdmin } from '../support/consumer-group.admin';
import { freePort } from '../support/network.probe';
import { PipelineDatabase } from '../support/pipeline-database.fixture';
import { ServiceProcess } from '../support/service-process.harness';
import { TopicRecorder } from '../support/topic.recorder';
import { pollUntil } from '../support/wait-for.poller';

jest.setTimeout(900_000);
const BOOT_TIMEOUT_MS = 120_000;
/** A dead member leaves its Kafka group after the session timeout (kafkajs' 30 s), then the group rebalances. */
const REDELIVERY_TIMEOUT_MS = 240_000;

const run = randomBytes(3).toString('hex');
const silent: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface TrialRow {
  trial_id: string;
  sequence: number;
  rung: number;
  status: string;
  attempts: number;
  worker_id: string | null;
  reason: string | null;
}

interface SearchRow {
  status: string;
  requested: number;
  completed: number;
  failed: number;
  front_size: number;
  engine_state: unknown;
  front: unknown[];
}

describe('architecture-search service: trials over Kafka, state in Postgres', () => {
  let db: PipelineDatabase;
  let bus: KafkaMessageBusAdapter;
  let ended: TopicRecorder<SearchCompletedV1>;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    db = await PipelineDatabase.create('architecture-search-it');
    await runMigrations(db.database);
    bus = new KafkaMessageBusAdapter({ config: kafkaConfigFromEnv(process.env, { clientId: `search-it-${run}` }), logger: silent });
    await bus.ensureTopics([
      Topics.searchRequested,
      Topics.searchCancelRequested,
      Topics.searchTrialRequested,
      Topics.searchTrialCompleted,
      Topics.searchProgress,
      Topics.searchCompleted,
    ]);
    ended = await TopicRecorder.start(Topics.searchCompleted, `search-it-ended-${run}`);
  }, 120_000);

  afterEach(async () => {
    await ServiceProcess.stopAll(services);
    services.length = 0;
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.kill()));
    await ended?.stop();
    await bus?.stop();
    await db?.drop();
  }, 60_000);

  /** This scenario's own consumer groups, moved past what other runs left on the shared topics. */
  async function groupsFor(scenario: string): Promise<{ controller: string; workers: string }> {
    const groups = { controller: `search-controller-${scenario}-${run}`, workers: `search-workers-${scenario}-${run}` };
    const admin = new ConsumerGroupAdmin((process.env['ARGUS_KAFKA_BROKERS'] ?? '').split(','), `search-it-admin-${run}`);
    // The controller's groups, one per topic (services/architecture-search controllerGroups).
    await admin.skipToLatestWhenIdle(`${groups.controller}.requests`, Topics.searchRequested, 30_000);
    await admin.skipToLatestWhenIdle(`${groups.controller}.cancels`, Topics.searchCancelRequested, 30_000);
    await admin.skipToLatestWhenIdle(`${groups.controller}.answers`, Topics.searchTrialCompleted, 30_000);
    await admin.skipToLatestWhenIdle(groups.workers, Topics.searchTrialRequested, 30_000);
    return groups;
  }

  async function start(
    role: 'controller' | 'worker',
    groups: { controller: string; workers: string },
    name: string,
  ): Promise<ServiceProcess> {
    const service = ServiceProcess.start({
      entry: 'services/architecture-search/src/main.ts',
      port: await freePort(),
      env: {
        LOG_LEVEL: 'info',
        ARGUS_DATABASE_URL: db.url,
        ARGUS_SEARCH_ROLES: role,
        ARGUS_SEARCH_WORKER_ID: `${name}-${run}`,
        ARGUS_SEARCH_CONTROLLER_GROUP_ID: groups.controller,
        ARGUS_SEARCH_WORKERS_GROUP_ID: groups.workers,
        ARGUS_SEARCH_SYNTHETIC_SCENES: '16',
        ARGUS_SEARCH_SYNTHETIC_SIZE: '96',
        ARGUS_SEARCH_LATENCY_SECONDS: '0.2',
        ARGUS_SEARCH_PROGRESS_INTERVAL_MS: '1000',
        ARGUS_SEARCH_FULL_TRAINING: 'off',
        ARGUS_TF_BACKEND: 'wasm',
      },
    });
    services.push(service);
    await withLogs(service, () => service.waitForStatus('/health/ready', 200, BOOT_TIMEOUT_MS));
    return service;
  }

  async function requestSearch(overrides: Partial<SearchRequestedV1>): Promise<string> {
    const searchId = randomUUID();
    await bus.publish(Topics.searchRequested, {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      searchId,
      lineId: 'pcb-1',
      name: `it ${run}`,
      controller: 'random',
      seed: 7,
      dataSource: 'synthetic:pcb',
      base: { spec: tinyPcbSpec() as unknown as Record<string, unknown>, modelVersionId: null },
      objective: { targetMs: 20, alpha: -0.07, beta: -0.07, servingBatch: 1, servingThreads: 1 },
      budget: { maxTrials: 3 },
      rungs: [{ rung: 0, epochs: 1, trainImages: 8, cropsPerImage: 1 }],
      eta: 3,
      maxInFlight: 2,
      requestedBy: 'it',
      ...overrides,
    });
    return searchId;
  }

  async function search(searchId: string): Promise<SearchRow | undefined> {
    const [row] = (await db.database.query(
      `SELECT status, requested, completed, failed, front_size, engine_state, front FROM architecture_search WHERE id = $1`,
      [searchId],
    )) as SearchRow[];
    return row;
  }

  async function trials(searchId: string): Promise<TrialRow[]> {
    return (await db.database.query(
      `SELECT trial_id, sequence, rung, status, attempts, worker_id, reason FROM architecture_search_trial WHERE search_id = $1 ORDER BY sequence, rung`,
      [searchId],
    )) as TrialRow[];
  }

  async function finished(searchId: string, timeoutMs: number, processes: ServiceProcess[]): Promise<SearchRow> {
    return pollUntil(
      `search ${searchId} to complete`,
      async () => {
        const row = await search(searchId);
        return row?.status === 'completed' ? row : undefined;
      },
      { timeoutMs, intervalMs: 500 },
      () => `${JSON.stringify(processes.map((p) => p.stdout.slice(-5)))}`,
    );
  }

  /** The whole budget counted once: as many trials as the budget, each answered, none twice. */
  async function expectCountedOnce(searchId: string, maxTrials: number): Promise<TrialRow[]> {
    const row = (await search(searchId)) as SearchRow;
    const rows = await trials(searchId);
    expect(rows.map((t) => t.sequence)).toEqual([...Array(maxTrials).keys()]);
    expect(new Set(rows.map((t) => t.trial_id)).size).toBe(maxTrials);
    expect(rows.every((t) => t.status === 'completed' || t.status === 'failed')).toBe(true);
    expect({ requested: row.requested, counted: row.completed + row.failed }).toEqual({ requested: maxTrials, counted: maxTrials });
    expect(row.completed).toBe(rows.filter((t) => t.status === 'completed').length);
    // Real trials: they train and measure (a failure here would name its reason).
    expect(rows.filter((t) => t.status === 'failed').map((t) => t.reason)).toEqual([]);
    expect(row.engine_state).not.toBeNull();
    expect(row.front.length).toBe(row.front_size);
    expect(row.front_size).toBeGreaterThan(0);
    await pollUntil('its end announced', () => (ended.events.some((e) => e.searchId === searchId) ? true : undefined), {
      timeoutMs: 15_000,
    });
    expect(ended.events.filter((e) => e.searchId === searchId)).toEqual([
      expect.objectContaining({ status: 'completed', requested: maxTrials, completed: row.completed, failed: row.failed }),
    ]);
    return rows;
  }

  it('(a) runs a search to its trial budget on two workers; its state, trials and front are in Postgres', async () => {
    const groups = await groupsFor('a');
    const processes = [
      await start('controller', groups, 'controller'),
      await start('worker', groups, 'w1'),
      await start('worker', groups, 'w2'),
    ];
    // Regularized evolution here, PPO in (c): each controller's state goes through Postgres' jsonb between steps.
    const searchId = await requestSearch({ controller: 'evolution', budget: { maxTrials: 4 }, maxInFlight: 2 });
    await finished(searchId, 600_000, processes);
    const rows = await expectCountedOnce(searchId, 4);
    expect(rows.every((t) => t.attempts === 1)).toBe(true);
  });

  it('(b) a worker killed with SIGKILL mid-trial: the trial is redelivered to the other worker and counted once', async () => {
    const groups = await groupsFor('b');
    const controller = await start('controller', groups, 'controller');
    const workers = { [`w1-${run}`]: await start('worker', groups, 'w1'), [`w2-${run}`]: await start('worker', groups, 'w2') };
    // Longer trials than (a), so there is a trial to kill in the middle of.
    const searchId = await requestSearch({
      budget: { maxTrials: 2 },
      maxInFlight: 2,
      rungs: [{ rung: 0, epochs: 2, trainImages: 16, cropsPerImage: 2 }],
    });
    const victim = await pollUntil(
      'a trial started',
      async () => (await trials(searchId)).find((t) => t.attempts >= 1 && t.status === 'requested' && t.worker_id !== null),
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    const killed = workers[victim.worker_id as string] as ServiceProcess;
    await killed.kill();
    const [atKill] = (await trials(searchId)).filter((t) => t.trial_id === victim.trial_id);
    expect(atKill?.status).toBe('requested'); // killed before it answered

    await finished(searchId, REDELIVERY_TIMEOUT_MS + 300_000, [controller, ...Object.values(workers)]);
    const rows = await expectCountedOnce(searchId, 2);
    const redelivered = rows.find((t) => t.trial_id === victim.trial_id);
    expect(redelivered?.attempts).toBe(2);
    expect(redelivered?.worker_id).not.toBe(victim.worker_id);
  });

  it('(c) the controller killed with SIGKILL and started again: the search resumes with the same trials and finishes', async () => {
    const groups = await groupsFor('c');
    const first = await start('controller', groups, 'controller-1');
    const worker = await start('worker', groups, 'w1');
    const searchId = await requestSearch({ controller: 'ppo', budget: { maxTrials: 3 }, maxInFlight: 1 });
    await pollUntil('a trial counted', async () => ((await search(searchId))?.completed ?? 0) >= 1 || undefined, {
      timeoutMs: 300_000,
      intervalMs: 100,
    });
    await first.kill();
    const before = await trials(searchId);
    expect((await search(searchId))?.status).toBe('running');

    const second = await start('controller', groups, 'controller-2');
    await finished(searchId, REDELIVERY_TIMEOUT_MS + 300_000, [second, worker]);
    const rows = await expectCountedOnce(searchId, 3);
    // The trials requested before the kill are the same trials after it (same ids, same sequence).
    for (const trial of before) expect(rows.find((t) => t.sequence === trial.sequence)?.trial_id).toBe(trial.trial_id);
    expect(second.logged('running searches resumed')).toBe(true);
  });
});

/** On failure, the last lines each process wrote. */
async function withLogs<T>(service: ServiceProcess, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new Error(
      `${String(error)}\n--- stdout\n${service.stdout.slice(-20).join('\n')}\n--- stderr\n${service.stderr.slice(-20).join('\n')}`,
    );
  }
}

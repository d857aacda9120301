import { createThrowawayDatabase, databaseConfigFromEnv, runMigrations, type ThrowawayDatabase } from '@argus/persistence';
import { freePort, isPortOpen } from './support/network.probe';
import { OtlpCollectorRecorder } from './support/otlp-collector.recorder';
import { ServiceProcess } from './support/service-process.harness';
import { pollUntil } from './support/wait-for.poller';

/**
 * Services as separate processes, started the way production starts them
 * (`node -r @swc-node/register services/<name>/src/main.ts` from the repository root), against the
 * real Kafka, S3Proxy and Postgres of `infra/local`. Processes run one at a time: the machine is small.
 */

const BOOT_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 20_000;

const started: ServiceProcess[] = [];
async function start(entry: string, env: Record<string, string | undefined> = {}): Promise<ServiceProcess> {
  const service = ServiceProcess.start({ entry, port: await freePort(), env: { LOG_LEVEL: 'info', ...env } });
  started.push(service);
  return service;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((service) => service.kill()));
});

async function stopWithSigterm(service: ServiceProcess): Promise<void> {
  service.signal('SIGTERM');
  const status = await service.waitForExit(EXIT_TIMEOUT_MS);
  expect({ entry: service.entry, ...status }).toEqual({ entry: service.entry, code: 0, signal: null });
  await expect(isPortOpen(service.port)).resolves.toBe(false);
}

describe('platform bootstrap, through a fixture service', () => {
  const FIXTURE = 'e2e/support/fixture-service/main.ts';
  jest.setTimeout(BOOT_TIMEOUT_MS + 2 * EXIT_TIMEOUT_MS);

  it('serves health, JSON errors, trace ids and body limits, then drains an in-flight request on SIGTERM and exits 0', async () => {
    const fixture = await start(FIXTURE, { HTTP_BODY_LIMIT: '1kb' });
    await fixture.waitForStatus('/health/live', 200, BOOT_TIMEOUT_MS);
    const ready = await fixture.waitForStatus('/health/ready', 200, BOOT_TIMEOUT_MS);
    expect(ready.body).toEqual({ status: 'ready', checks: { 'fixture-dependency': 'up' } });

    // Nest injected a provider by its class: decorator metadata was emitted by the runner.
    expect((await fixture.get('/fixture/greet?name=argus'))?.body).toEqual({ greeting: 'hello argus' });

    // An incoming W3C traceparent continues in the handler's log lines.
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const traced = await fixture.get('/fixture/trace', { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    expect(traced?.body).toMatchObject({ trace_id: traceId });

    const boom = await fixture.get('/fixture/boom');
    expect(boom?.status).toBe(500);
    expect(boom?.body).toEqual({
      error: { code: 'internal-error', message: 'Internal server error', errorId: expect.any(String) },
    });
    const refused = await fixture.get('/fixture/refuse');
    expect(refused?.status).toBe(422);
    expect(refused?.body).toMatchObject({ error: { code: 'fixture.refused', details: { reason: 'asked to' } } });
    const tooLarge = await fixture.get('/fixture/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ filler: 'x'.repeat(2_000) }),
    });
    expect(tooLarge?.status).toBe(413);
    expect(tooLarge?.body).toMatchObject({ error: { code: 'payload-too-large' } });
    const missing = await fixture.get('/no-such-route');
    expect(missing?.status).toBe(404);
    expect(missing?.body).toMatchObject({ error: { code: 'not-found' } });

    // A request in flight when SIGTERM arrives is still answered.
    const inFlight = fixture.get('/fixture/slow?ms=1500');
    await pollUntil('the slow request to reach its handler', () => (fixture.logged('slow request started') ? true : undefined), {
      timeoutMs: 10_000,
    });
    fixture.signal('SIGTERM');
    const answered = await inFlight;
    expect(answered?.status).toBe(200);
    const status = await fixture.waitForExit(EXIT_TIMEOUT_MS);
    expect(status).toEqual({ code: 0, signal: null });
    await expect(isPortOpen(fixture.port)).resolves.toBe(false);

    const lines = fixture.jsonStdout();
    for (const line of lines) expect(line).toMatchObject({ service: 'platform-fixture', version: '0.0.1' });
    const errorLine = lines.find((line) => line['errorId'] === (boom?.body as { error: { errorId: string } }).error.errorId);
    expect(errorLine).toMatchObject({ level: 'error', err: { message: 'fixture exploded with internals' } });
    expect(lines.find((line) => line['msg'] === 'handling /fixture/trace')).toMatchObject({ trace_id: traceId });
    const messages = lines.map((line) => line['msg']);
    expect(messages).toEqual(expect.arrayContaining(['shutting down (signal SIGTERM)', 'shutdown complete']));
    expect(fixture.stderr).toEqual([]);
  });

  it('answers 503 on both health endpoints while shutting down, and exits 1 naming the stuck step when shutdown outlives its deadline', async () => {
    const fixture = await start(FIXTURE, { FIXTURE_STUCK_ON_SHUTDOWN: '1', SHUTDOWN_TIMEOUT_MS: '3000' });
    await fixture.waitForStatus('/health/ready', 200, BOOT_TIMEOUT_MS);
    fixture.signal('SIGTERM');
    const notReady = await fixture.waitForStatus('/health/ready', 503, 5_000);
    expect(notReady.body).toEqual({ status: 'not-ready', reason: 'shutting-down', checks: {} });
    expect((await fixture.get('/health/live'))?.status).toBe(503);
    expect(await fixture.waitForExit(EXIT_TIMEOUT_MS)).toEqual({ code: 1, signal: null });
    const fatal = fixture.jsonStdout().find((line) => line['level'] === 'fatal');
    expect(fatal).toMatchObject({ pending: ['fixture-consumer'], timeoutMs: 3000 });
    expect(String(fatal?.['msg'])).toContain('did not finish within 3000 ms');
  });

  it('exits 1 at once on a second signal during shutdown', async () => {
    const fixture = await start(FIXTURE, { FIXTURE_STUCK_ON_SHUTDOWN: '1', SHUTDOWN_TIMEOUT_MS: '60000' });
    await fixture.waitForStatus('/health/ready', 200, BOOT_TIMEOUT_MS);
    fixture.signal('SIGTERM');
    await fixture.waitForStatus('/health/ready', 503, 5_000);
    fixture.signal('SIGINT');
    expect(await fixture.waitForExit(5_000)).toEqual({ code: 1, signal: null });
    expect(fixture.jsonStdout().at(-1)).toMatchObject({
      level: 'fatal',
      msg: 'received SIGINT again during shutdown; exiting immediately',
    });
  });

  it('exports spans over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, flushing them on shutdown', async () => {
    const collector = await OtlpCollectorRecorder.start();
    try {
      const fixture = await start(FIXTURE, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint });
      await fixture.waitForStatus('/health/ready', 200, BOOT_TIMEOUT_MS);
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const greeted = await fixture.get('/fixture/greet', { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
      expect(greeted?.status).toBe(200);
      await stopWithSigterm(fixture);
      const traces = collector.exports.filter((e) => e.path === '/v1/traces');
      expect(traces.length).toBeGreaterThan(0);
      const sent = traces.map((e) => e.body).join('\n');
      expect(sent).toContain(traceId);
      expect(sent).toContain('platform-fixture');
      // Health probes are not traced.
      expect(sent).not.toContain('/health/ready');
    } finally {
      await collector.close();
    }
  });

  it('refuses to start on a bad configuration, naming every bad variable', async () => {
    const fixture = await start(FIXTURE, { PORT: 'eighty', LOG_LEVEL: 'loud', FIXTURE_READY: 'maybe' });
    expect(await fixture.waitForExit(BOOT_TIMEOUT_MS)).toEqual({ code: 78, signal: null });
    expect(fixture.stderr).toHaveLength(1);
    const line = JSON.parse(fixture.stderr[0] ?? '') as { level: string; invalidVariables: { variable: string }[] };
    expect(line.level).toBe('fatal');
    expect(line.invalidVariables.map((p) => p.variable).sort()).toEqual(['FIXTURE_READY', 'LOG_LEVEL', 'PORT']);
  });
});

interface ServiceUnderTest {
  readonly name: string;
  readonly dependencies: readonly string[];
  readonly env?: Record<string, string>;
}

const SERVICES: readonly ServiceUnderTest[] = [
  { name: 'camera-ingest', dependencies: ['kafka', 's3', 'postgres'], env: { ARGUS_CAMERA_TOKEN: 'lifecycle-test-camera-token' } },
  // `inference`: the worker thread that runs the models is up.
  { name: 'detection-inference', dependencies: ['kafka', 's3', 'postgres', 'inference'] },
  { name: 'continual-fine-tune', dependencies: ['kafka', 's3', 'postgres'] },
  { name: 'architecture-search', dependencies: ['kafka', 's3', 'postgres'] },
  { name: 'console', dependencies: ['kafka', 's3', 'postgres'] },
];

describe('service lifecycle against the real infrastructure', () => {
  jest.setTimeout(2 * BOOT_TIMEOUT_MS + EXIT_TIMEOUT_MS);

  // Services do not migrate (migrations are their own command, run before a deployment starts):
  // give them a freshly migrated database of their own, as a deployment would.
  let database: ThrowawayDatabase;
  let databaseUrl: string;
  beforeAll(async () => {
    database = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'service-lifecycle-test'));
    await runMigrations(database.dataSource);
    const url = new URL(process.env['ARGUS_DATABASE_URL'] ?? '');
    url.pathname = `/${database.name}`;
    databaseUrl = url.toString();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it.each(SERVICES)('$name boots, is live, becomes ready, logs JSON and exits 0 on SIGTERM', async ({ name, dependencies, env }) => {
    const service = await start(`services/${name}/src/main.ts`, { ARGUS_DATABASE_URL: databaseUrl, ...env });

    await service.waitForStatus('/health/live', 200, BOOT_TIMEOUT_MS);
    const ready = await service.waitForStatus('/health/ready', 200, BOOT_TIMEOUT_MS);
    expect(ready.body).toEqual({
      status: 'ready',
      checks: Object.fromEntries(dependencies.map((dependency) => [dependency, 'up'])),
    });

    await stopWithSigterm(service);
    const lines = service.jsonStdout();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatchObject({ service: name, level: expect.any(String), msg: expect.any(String) });
    expect(service.logged('shutdown complete')).toBe(true);
    expect(service.stderr).toEqual([]);
  });

  it('reports postgres down (and stays live) when Postgres does not answer, and still shuts down cleanly', async () => {
    const closedPort = await freePort();
    const service = await start('services/console/src/main.ts', {
      ARGUS_DATABASE_URL: `postgres://argus:argus@127.0.0.1:${closedPort}/argus`,
    });
    await service.waitForStatus('/health/live', 200, BOOT_TIMEOUT_MS);
    // Poll until every other dependency is up, so the 503 is about Postgres alone.
    const notReady = await pollUntil(
      'console to report only postgres down',
      async () => {
        const answer = await service.get('/health/ready');
        const checks = (answer?.body as { checks?: Record<string, unknown> } | undefined)?.checks;
        return answer?.status === 503 && checks?.['kafka'] === 'up' && checks['s3'] === 'up' ? answer : undefined;
      },
      { timeoutMs: BOOT_TIMEOUT_MS, intervalMs: 250 },
      () => service.describe(),
    );
    expect(notReady.body).toEqual({
      status: 'not-ready',
      checks: { kafka: 'up', s3: 'up', postgres: { status: 'down', error: expect.stringContaining('ECONNREFUSED') } },
    });
    expect((await service.get('/health/live'))?.status).toBe(200);

    await stopWithSigterm(service);
    for (const line of service.jsonStdout()) expect(line).toMatchObject({ service: 'console' });
  });
});

/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
// The console as its people use it, in a real browser (Debian's Chromium driven by playwright-core),
// against the real services on infra/local: camera-ingest takes frames, detection-inference raises
// alerts, an operator reviews three of them in the console, an ML engineer compares two model
// versions and promotes one, and the next frames are scored by it.
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Topics, type ReviewSubmittedV1 } from '@argus/contracts';
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { createFactorySurfaceGenerator, encodeImage, type RawImage } from '@argus/vision';
import { BrowserSession } from '../support/chromium.browser';
import { type ConsoleAnswer, ConsoleApiClient } from '../support/console-api.client';
import { ConsumerGroupAdmin } from '../support/consumer-group.admin';
import { FrameUploadClient } from '../support/frame-upload.client';
import { FACTORY_CLASSES, writeUntrainedModelPackage } from '../support/model-package.fixture';
import { freePort } from '../support/network.probe';
import { runNodeScript } from '../support/node-script.runner';
import { PipelineDatabase } from '../support/pipeline-database.fixture';
import { REPO_ROOT, ServiceProcess } from '../support/service-process.harness';
import { TopicRecorder } from '../support/topic.recorder';
import { pollUntil } from '../support/wait-for.poller';

jest.setTimeout(420_000);
const BOOT_TIMEOUT_MS = 120_000;

const run = randomBytes(3).toString('hex');
const TOKEN = `e2e-console-camera-${run}`;
const MODEL = `factory-console${run}`;
const INFERENCE_GROUP = `detection-inference-console-${run}`;
const ADMIN = { username: 'admin', password: `admin-${run}-passphrase` };
const OPERATOR = { username: 'olga', displayName: 'Olga Operator', role: 'operator', password: `olga-${run}-passphrase` };
const ENGINEER = { username: 'mel', displayName: 'Mel Engineer', role: 'ml-engineer', password: `mel-${run}-passphrase` };
/** Screenshots land here (CI keeps the folder as the run's artefacts). */
const ARTEFACTS = path.join(REPO_ROOT, 'tmp', 'e2e-artefacts', 'console');

/** Frame ids are content hashes and the topic and bucket outlive a run: a few pixels carry the run id. */
function markedWithRun(image: RawImage, index: number): RawImage {
  const data = Uint8Array.from(image.data);
  const mark = Buffer.concat([Buffer.from(run, 'hex'), Buffer.from([index & 0xff, index >> 8])]);
  for (let i = 0; i < mark.length * image.channels; i++) data[i] = mark[Math.floor(i / image.channels)] as number;
  return { ...image, data };
}

describe('the console in a real browser, on the real services', () => {
  let tmp: string;
  let db: PipelineDatabase;
  let reviews: TopicRecorder<ReviewSubmittedV1>;
  const store = new MinioObjectStore(s3ConfigFromEnv(process.env));
  const services: ServiceProcess[] = [];
  const browsers: BrowserSession[] = [];
  let ingest: ServiceProcess;
  let consoleService: ServiceProcess;
  let camera: FrameUploadClient;
  let v1: string;
  let v2: string;
  const generator = createFactorySurfaceGenerator({ seed: 21 });
  let frameIndex = 0;
  /** Capture times a minute apart: no alert is held back by the line's dedup window. */
  const firstCapture = Date.now() - 3_600_000;

  async function startService(entry: string, env: Record<string, string>): Promise<ServiceProcess> {
    const service = ServiceProcess.start({ entry, port: await freePort(), env: { LOG_LEVEL: 'info', ARGUS_DATABASE_URL: db.url, ...env } });
    services.push(service);
    return service;
  }

  const api = (method: string, route: string, options: { cookie?: string; body?: unknown } = {}): Promise<ConsoleAnswer> =>
    new ConsoleApiClient(consoleService.url('')).request(method, route, options);
  const signIn = (user: { username: string; password: string }): Promise<string> =>
    new ConsoleApiClient(consoleService.url('')).signIn(user);

  /** Uploads `count` factory frames from cam-1 and waits until inference has scored them all. */
  async function sendFrames(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const index = frameIndex++;
      const image = markedWithRun(generator.generate(index).image, index);
      const bytes = await encodeImage(image, 'png');
      const answer = await camera.accept('factory-1', 'cam-1', bytes, 'image/png', new Date(firstCapture + index * 60_000));
      ids.push(answer.frameId);
    }
    await pollUntil(`${count} frames to be scored`, async () => ((await db.countProcessed(ids)) === count ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 250,
    });
    return ids;
  }

  async function withLogTails<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      for (const [i, session] of browsers.entries()) await screenshot(session, `failure-${i}`).catch(() => undefined);
      for (const service of services) {
        console.error(`--- ${service.entry} (pid ${service.pid}, ${service.running ? 'running' : 'exited'}) ---\n${service.describe()}`);
      }
      throw error;
    }
  }

  async function screenshot(session: BrowserSession, name: string): Promise<void> {
    await mkdir(ARTEFACTS, { recursive: true });
    await session.page.screenshot({ path: path.join(ARTEFACTS, `${name}.png`), fullPage: true });
  }

  async function openBrowser(name: string, user: { username: string; password: string }): Promise<BrowserSession> {
    const session = await BrowserSession.open(name, consoleService.url(''));
    browsers.push(session);
    const page = session.page;
    await page.goto('/');
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-username').fill(user.username);
    await page.getByTestId('login-password').fill(user.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('current-user').waitFor();
    return session;
  }

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'argus-console-e2e-'));
    db = await PipelineDatabase.create('console-e2e');
    const seeded = db.seedDemo();
    // v1: an untrained detector, with its (honestly poor) evaluation by `argus eval`; it goes to
    // production first. v2: the shipped factory model, evaluated when it was trained.
    const v1Dir = path.join(tmp, 'models', MODEL);
    await writeUntrainedModelPackage(v1Dir, { name: MODEL, version: 'v1', seed: 1, classes: FACTORY_CLASSES });
    await runNodeScript(
      'tools/cli/src/main.ts',
      ['eval', '--model', v1Dir, '--data', 'synthetic:factory', '--report', path.join(v1Dir, 'evaluation.json')],
      {},
      180_000,
    );
    const v2Dir = path.join(tmp, 'next', MODEL);
    await cp(path.join(REPO_ROOT, 'models', 'factory'), v2Dir, { recursive: true });
    const metadataFile = path.join(v2Dir, 'metadata.json');
    const metadata = JSON.parse(await readFile(metadataFile, 'utf8')) as { name: string; version: string };
    await writeFile(metadataFile, JSON.stringify({ ...metadata, name: MODEL, version: 'v2' }, null, 1));
    await seeded;
    // Rules the untrained v1 meets too (it scores low): every detection is an alert.
    await db.lines().setAlertRules('factory-1', [
      { className: 'hole', minScore: 0, minBoxAreaPx2: 1, severity: 'critical' },
      { className: '*', minScore: 0, minBoxAreaPx2: 1, severity: 'medium' },
    ]);
    reviews = await TopicRecorder.start(Topics.reviewSubmitted, `e2e-console-reviews-${run}`);
    const brokers = (process.env['ARGUS_KAFKA_BROKERS'] ?? '').split(',');
    await new ConsumerGroupAdmin(brokers, `e2e-console-admin-${run}`).skipToLatestWhenIdle(INFERENCE_GROUP, Topics.frameIngested, 90_000);

    ingest = await startService('services/camera-ingest/src/main.ts', { ARGUS_CAMERA_TOKEN: TOKEN });
    const inference = await startService('services/detection-inference/src/main.ts', {
      ARGUS_MODELS_DIR: path.join(tmp, 'models'),
      ARGUS_MODEL_CACHE_DIR: path.join(tmp, 'cache'),
      ARGUS_INSTANCE_ID: `e2e-console-${run}`,
      ARGUS_INFER_THREADS: '1',
      ARGUS_INFER_GROUP_ID: INFERENCE_GROUP,
    });
    consoleService = await startService('services/console/src/main.ts', {
      ARGUS_CONSOLE_ADMIN_USERNAME: ADMIN.username,
      ARGUS_CONSOLE_ADMIN_PASSWORD: ADMIN.password,
    });
    await withLogTails(() =>
      Promise.all([ingest, inference, consoleService].map((s) => s.waitForStatus('/health/ready', 200, BOOT_TIMEOUT_MS))),
    );
    camera = new FrameUploadClient(ingest.url(''), TOKEN);

    // v2 is registered next to v1 (the registry CLI, as an ML engineer's pipeline would).
    await runNodeScript('services/detection-inference/src/registry-cli.ts', ['register', '--models-dir', path.join(tmp, 'next')], {
      ARGUS_DATABASE_URL: db.url,
    });
    v1 = (await db.modelVersionId(MODEL, 'v1')) as string;
    v2 = (await db.modelVersionId(MODEL, 'v2')) as string;
    expect(v1).toBeDefined();
    expect(v2).toBeDefined();
    expect(await db.productionModelOf('factory-1')).toBe(v1);

    // The admin (from the environment) creates the two people of this story.
    const admin = await signIn(ADMIN);
    for (const user of [OPERATOR, ENGINEER]) {
      const created = await api('POST', '/api/v1/users', { cookie: admin, body: user });
      expect(created.status).toBe(201);
    }
  }, 400_000);

  afterAll(async () => {
    for (const session of browsers) await session.close();
    await ServiceProcess.stopAll(services);
    await reviews?.stop();
    const keys = db ? (await db.frames().catch(() => [])).map((f) => f.objectKey) : [];
    for await (const object of store.list(`models/${MODEL}/`)) keys.push(object.key);
    for (const key of keys) await store.delete(key).catch(() => undefined);
    await db?.drop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }, 120_000);

  it('an operator confirms one alert, corrects a box on another and rejects a third; review rows in Postgres, events on Kafka', async () => {
    await withLogTails(async () => {
      await sendFrames(8);
      let seen = 0;
      const open = await pollUntil(
        'three open alerts',
        async () => {
          const rows = (await db.query(`SELECT id, detections FROM alert WHERE status = 'open' ORDER BY created_at DESC, id DESC`)) as {
            id: string;
            detections: { className: string }[];
          }[];
          seen = rows.length;
          return rows.length >= 3 ? rows : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
        () => `${seen} open alerts so far`,
      );

      const operator = await openBrowser('operator', OPERATOR);
      const page = operator.page;
      await page.getByTestId('nav-queue').click();
      await page.locator('[data-testid="alert-row"]').first().waitFor();
      expect(await page.locator('[data-testid="alert-row"]').count()).toBe(open.length);
      await screenshot(operator, 'review-queue');

      const [confirmId, correctId, rejectId] = open.map((a) => a.id) as [string, string, string];
      const openAlert = async (alertId: string) => {
        await page.getByTestId('nav-queue').click();
        await page.locator(`[data-testid="alert-row"][data-alert-id="${alertId}"]`).click();
        await page.waitForURL(new RegExp(`/alerts/${alertId}`));
        await page.getByTestId('alert-image').waitFor();
        await page.locator('[data-testid="box"]').first().waitFor();
      };
      /** After a decision the console moves on to the next alert by itself: wait until it has. */
      const movedOnFrom = (alertId: string) => page.waitForURL((url) => !url.pathname.endsWith(alertId));

      // 1. confirm
      await openAlert(confirmId);
      await page.getByTestId('decision-confirm').click();
      await movedOnFrom(confirmId);
      await pollUntil('the confirmation to be recorded', async () => ((await reviewRows(confirmId)).length === 1 ? true : undefined), {
        timeoutMs: 15_000,
      });

      // 2. correct: relabel the first box and move it 5 px right with the keyboard
      await openAlert(correctId);
      await screenshot(operator, 'alert-review');
      const before = open.find((a) => a.id === correctId)?.detections[0];
      await page.getByTestId('decision-correct').click();
      // Boxes of an untrained detector overlap: pick the first from the side list, as one would.
      await page.locator('[data-testid="box-item"][data-index="0"]').click();
      await page.locator('[data-testid="box"][data-index="0"][data-selected="true"]').waitFor();
      for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
      const relabelTo = FACTORY_CLASSES.find((c) => c !== before?.className) as string;
      await page.getByTestId('box-class-select').selectOption(relabelTo);
      await page.getByTestId('save-correction').click();
      await movedOnFrom(correctId);
      await pollUntil('the correction to be recorded', async () => ((await reviewRows(correctId)).length === 1 ? true : undefined), {
        timeoutMs: 15_000,
      });

      // 3. reject as a false positive
      await openAlert(rejectId);
      await page.getByTestId('decision-reject').click();
      await movedOnFrom(rejectId);
      await pollUntil('the rejection to be recorded', async () => ((await reviewRows(rejectId)).length === 1 ? true : undefined), {
        timeoutMs: 15_000,
      });

      const operatorId = ((await db.query(`SELECT id FROM app_user WHERE username = $1`, [OPERATOR.username])) as { id: string }[])[0]?.id;
      const [confirmed] = await reviewRows(confirmId);
      const [corrected] = await reviewRows(correctId);
      const [rejected] = await reviewRows(rejectId);
      expect(confirmed).toMatchObject({ decision: 'confirmed', reviewer_id: operatorId });
      expect(rejected).toMatchObject({ decision: 'rejected', reviewer_id: operatorId, boxes: [] });
      expect(corrected).toMatchObject({ decision: 'corrected', reviewer_id: operatorId });
      const movedBox = corrected?.boxes[0];
      expect(movedBox?.className).toBe(relabelTo);
      const original = (before as unknown as { box: { x1: number } } | undefined)?.box;
      expect(movedBox?.box.x1).toBeGreaterThan(original?.x1 ?? Infinity);
      const statuses = (await db.query(`SELECT id, status FROM alert WHERE id = ANY($1)`, [[confirmId, correctId, rejectId]])) as {
        id: string;
        status: string;
      }[];
      expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({
        [confirmId]: 'confirmed',
        [correctId]: 'corrected',
        [rejectId]: 'rejected',
      });

      // the three decisions are on Kafka, as continual fine-tuning will read them
      const events = await pollUntil(
        'three review-submitted events',
        async () => {
          const mine = reviews.events.filter((e) => [confirmId, correctId, rejectId].includes(e.alertId));
          return mine.length >= 3 ? mine : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      expect(Object.fromEntries(events.map((e) => [e.alertId, e.decision]))).toEqual({
        [confirmId]: 'confirmed',
        [correctId]: 'corrected',
        [rejectId]: 'rejected',
      });
      expect(events.find((e) => e.alertId === correctId)?.boxes[0]?.className).toBe(relabelTo);

      // reviewed alerts have left the queue
      await page.getByTestId('nav-queue').click();
      await pollUntil(
        'the queue to drop the reviewed alerts',
        async () => ((await page.locator('[data-testid="alert-row"]').count()) === open.length - 3 ? true : undefined),
        { timeoutMs: 15_000 },
      );

      // the operator may not promote: 403, and the attempt is in the audit log; nobody anonymous gets in
      const cookie = await operator.cookieHeader();
      const denied = await api('POST', '/api/v1/lines/factory-1/promotions', {
        cookie,
        body: { modelVersionId: v2, reason: 'operator tries' },
      });
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ error: { code: 'forbidden' } });
      const audit = (await db.query(`SELECT actor, action FROM audit_log WHERE action = 'access.denied' AND actor = $1`, [
        OPERATOR.username,
      ])) as unknown[];
      expect(audit.length).toBeGreaterThanOrEqual(1);
      expect(await db.productionModelOf('factory-1')).toBe(v1);
      const anonymous = await api('GET', '/api/v1/alerts');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ error: { code: 'unauthenticated' } });
    });
  });

  it('an ML engineer compares two versions and promotes one; the next frames are scored by it', async () => {
    await withLogTails(async () => {
      const engineer = await openBrowser('engineer', ENGINEER);
      const page = engineer.page;
      await page.getByTestId('nav-models').click();
      await page.locator(`[data-testid="model-row"][data-model-id="${v2}"]`).waitFor();
      await page.getByTestId('compare-a').selectOption(v1);
      await page.getByTestId('compare-b').selectOption(v2);
      await page.getByTestId('compare-go').click();
      await page.waitForURL(/\/models\/compare/);
      const table = page.getByTestId('compare-table');
      await table.waitFor();
      for (const className of FACTORY_CLASSES) await expect(table.textContent()).resolves.toContain(className);
      expect(await page.locator('[data-testid="pr-plot"] path, [data-testid="pr-plot"] polyline').count()).toBeGreaterThan(0);
      await screenshot(engineer, 'model-comparison');

      await page.getByTestId('promote-line').selectOption('factory-1');
      await page.getByTestId('promote-version').selectOption(v2);
      await page.getByTestId('promote-reason').fill('v2 beats v1 on every class in the comparison');
      await page.getByTestId('promote-submit').click();
      await page.getByTestId('promote-result').waitFor();
      await pollUntil(
        'the production pointer to move to v2',
        async () => ((await db.productionModelOf('factory-1')) === v2 ? true : undefined),
        { timeoutMs: 10_000 },
      );
      const promoted = (await db.query(`SELECT actor, action FROM audit_log WHERE action = 'model.promoted'`)) as { actor: string }[];
      expect(promoted.map((p) => p.actor)).toContain(ENGINEER.username);

      // inference switches on the promotion event: the next frames carry v2
      const next = await sendFrames(3);
      const scoredBy = (await db.query(`SELECT DISTINCT model_version_id FROM frame_inference WHERE frame_id = ANY($1)`, [next])) as {
        model_version_id: string;
      }[];
      expect(scoredBy.map((r) => r.model_version_id)).toEqual([v2]);

      await page.goto('/lines/factory-1/promotions');
      await page.getByTestId('promotion-timeline').getByText('v2', { exact: false }).first().waitFor();
      await screenshot(engineer, 'promotion-timeline');
    });
  });

  function reviewRows(
    alertId: string,
  ): Promise<{ decision: string; reviewer_id: string; boxes: { className: string; box: { x1: number } }[] }[]> {
    return db.query(`SELECT decision, reviewer_id, boxes FROM review WHERE alert_id = $1 ORDER BY created_at`, [alertId]) as Promise<
      { decision: string; reviewer_id: string; boxes: { className: string; box: { x1: number } }[] }[]
    >;
  }
});

import { mkdtemp, mkdir, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type SearchTrainingRequestedV1, Topics } from '@argus/contracts';
import type { ModelVersion, NewSearchCandidateLineage, SearchCandidateLineage } from '@argus/persistence';
import type { GateReport, RetentionAndLatencyInput } from '@argus/registry';
import { tinyPcbSpec } from '@argus/vision/testing';
import { FullTrainingErrorCodes, FullTrainingInterruptedError, FullTrainingRefusedError } from './full-training.errors';
import type { FullTrainingJob, ProductionModelRef, RegisteredCandidate } from './full-training.ports';
import { fullTrainingVersionOf, RunFullTrainingUseCase, stableEventId } from './run-full-training.use-case';

const request: SearchTrainingRequestedV1 = {
  eventId: '00000000-0000-4000-8000-000000000001',
  occurredAt: '2026-12-07T10:00:00.000+00:00',
  requestId: '00000000-0000-4000-8000-0000000000a1',
  searchId: '00000000-0000-4000-8000-0000000000b1',
  trialId: 'trial-3',
  controller: 'ppo',
  spec: tinyPcbSpec() as unknown as Record<string, unknown>,
  lineId: 'pcb-1',
  dataSource: 'synthetic:pcb',
  requestedBy: 'ml',
};

const candidate: RegisteredCandidate = {
  modelVersionId: '00000000-0000-4000-8000-0000000000c1',
  name: 'tiny-pcb',
  version: fullTrainingVersionOf(request),
  artifactKey: 'models/tiny-pcb/nas-x',
  classes: ['open'],
  usesTemplate: true,
  metrics: { map50: 0.5 },
};

const production: ProductionModelRef = {
  id: '00000000-0000-4000-8000-0000000000d1',
  name: 'deeppcb',
  version: '1.0.0',
  artifactKey: 'models/deeppcb/1.0.0',
};

/** What the measurer reports: production and candidate alike on the validation frames, timed by paired rounds. */
const measured = (overrides: Partial<RetentionAndLatencyInput> = {}): RetentionAndLatencyInput => ({
  productionClasses: ['open', 'short'],
  candidateClasses: ['open', 'short'],
  retention: [
    {
      name: 'validation (40 frames of synthetic:pcb)',
      production: { open: 0.9, short: 0.8 },
      candidate: { open: 0.93, short: 0.795 },
      instances: { open: 40, short: 30 },
    },
  ],
  latencyMs: { production: 10, candidate: 7.2, ratio: 0.72 },
  ...overrides,
});

const GATE_POLICY = { maxClassDropPoints: 1, minClassInstances: 10, maxLatencyRatio: 1.1 };

function harness(
  options: {
    /** The line's production model; null: the line has none. */
    production?: ProductionModelRef | null;
    measured?: RetentionAndLatencyInput;
    lineage?: SearchCandidateLineage | null;
    version?: ModelVersion | null;
    search?: boolean;
    trialStatus?: 'requested' | 'completed' | 'failed';
    interrupt?: boolean;
    quietMs?: number;
  } = {},
) {
  const calls: string[] = [];
  const trained: FullTrainingJob[] = [];
  const recorded: NewSearchCandidateLineage[] = [];
  const published: { topic: string; message: unknown }[] = [];
  const lines: string[] = [];
  const measuredAgainst: ProductionModelRef[] = [];
  const publishedGates: GateReport[] = [];
  const logged: { context: Record<string, unknown>; line: string }[] = [];
  let workRoot = '';
  const deps = {
    trainer: {
      train: async (job: FullTrainingJob, runDir: string, _log: unknown, shouldStop: () => boolean) => {
        calls.push('train');
        if (options.interrupt && shouldStop()) throw new FullTrainingInterruptedError(job.request.requestId);
        if (options.quietMs) await new Promise((resolve) => setTimeout(resolve, options.quietMs));
        trained.push(job);
        await mkdir(runDir, { recursive: true });
        return { packageDir: path.join(runDir, 'package') };
      },
    },
    measurer: {
      measure: async (_job: FullTrainingJob, _trained: unknown, against: ProductionModelRef) => {
        calls.push('measure');
        measuredAgainst.push(against);
        return options.measured ?? measured();
      },
    },
    publisher: {
      publish: async (_packageDir: string, gates: GateReport) => {
        calls.push('publish');
        publishedGates.push(gates);
        return candidate;
      },
    },
    lineage: {
      ofRequest: async () => options.lineage ?? null,
      record: async (entry: NewSearchCandidateLineage) => {
        calls.push('lineage');
        recorded.push(entry);
        return { ...entry, createdAt: new Date() };
      },
    },
    registry: {
      findVersion: async () => options.version ?? null,
      productionModelFor: async (lineId: string) => {
        const current = options.production === undefined ? production : options.production;
        return current && lineId === request.lineId
          ? { lineId, modelVersion: current, promotionId: '00000000-0000-4000-8000-0000000000e1', promotedAt: new Date() }
          : null;
      },
    },
    searches: {
      find: async (id: string) => (options.search === false || id !== request.searchId ? null : { id }),
      trials: async () =>
        [
          { trialId: request.trialId, rung: 0, status: 'completed' },
          { trialId: request.trialId, rung: 1, status: options.trialStatus ?? 'completed' },
        ].filter((t) => (t.rung === 0 ? options.trialStatus === undefined : true)),
    },
    bus: {
      publish: async (topic: { name: string }, message: unknown) => {
        calls.push('announce');
        published.push({ topic: topic.name, message });
      },
    },
    logger: {
      info: (context: Record<string, unknown>, line: string) => {
        lines.push(line);
        logged.push({ context, line });
      },
      warn: () => undefined,
    },
    clock: () => new Date('2026-12-07T11:00:00.000Z'),
  };
  return {
    calls,
    trained,
    recorded,
    published,
    lines,
    measuredAgainst,
    publishedGates,
    logged,
    async useCase() {
      workRoot = await mkdtemp(path.join(os.tmpdir(), 'full-training-spec-'));
      return new RunFullTrainingUseCase(deps as never, {
        gatePolicy: GATE_POLICY,
        defaultEpochs: 30,
        workRoot,
        shouldStop: () => options.interrupt === true,
        progressEveryMs: 100,
      });
    },
    get workRoot() {
      return workRoot;
    },
  };
}

describe('RunFullTrainingUseCase', () => {
  it('trains, gates, registers, records the lineage, then announces the candidate (in that order); the run folder goes', async () => {
    const h = harness();
    const useCase = await h.useCase();
    try {
      expect(await useCase.execute({ ...request, epochs: 12 })).toEqual(candidate);
      expect(h.calls).toEqual(['train', 'measure', 'publish', 'lineage', 'announce']);
      expect(h.trained[0]).toMatchObject({ epochs: 12, name: 'tiny-pcb', version: `nas-${request.requestId}` });
      expect(h.recorded).toEqual([
        {
          modelVersionId: candidate.modelVersionId,
          requestId: request.requestId,
          searchId: request.searchId,
          trialId: 'trial-3',
          controller: 'ppo',
          lineId: 'pcb-1',
          requestedBy: 'ml',
        },
      ]);
      expect(h.published).toEqual([
        {
          topic: Topics.modelRegistered.name,
          message: Topics.modelRegistered.schema.parse({
            eventId: stableEventId(request.requestId),
            occurredAt: '2026-12-07T11:00:00.000Z',
            modelVersionId: candidate.modelVersionId,
            name: 'tiny-pcb',
            version: candidate.version,
            artifactKey: candidate.artifactKey,
            classes: ['open'],
            usesTemplate: true,
            metrics: { map50: 0.5 },
            parentVersionId: null,
            registeredBy: `architecture-search search ${request.searchId} trial trial-3`,
          }),
        },
      ]);
      await expect(stat(path.join(h.workRoot, request.requestId))).rejects.toThrow();
    } finally {
      await rm(h.workRoot, { recursive: true, force: true });
    }
  });

  it("uses the service's epochs when the request names none", async () => {
    const h = harness();
    const useCase = await h.useCase();
    await useCase.execute(request);
    expect(h.trained[0]?.epochs).toBe(30);
    await rm(h.workRoot, { recursive: true, force: true });
  });

  it('a redelivered request whose lineage is stored is announced again with the same event id, not trained twice', async () => {
    const version: ModelVersion = {
      id: candidate.modelVersionId,
      name: candidate.name,
      version: candidate.version,
      artifactKey: candidate.artifactKey,
      classes: candidate.classes,
      spec: {},
      metrics: candidate.metrics,
      usesTemplate: true,
      parentVersionId: null,
      trainingDataFingerprint: null,
      backend: 'onnx',
      createdAt: new Date(),
    };
    const h = harness({
      lineage: {
        modelVersionId: candidate.modelVersionId,
        requestId: request.requestId,
        searchId: request.searchId,
        trialId: request.trialId,
        controller: 'ppo',
        lineId: 'pcb-1',
        requestedBy: 'ml',
        createdAt: new Date(),
      },
      version,
    });
    const useCase = await h.useCase();
    await useCase.execute(request);
    expect(h.calls).toEqual(['announce']);
    expect((h.published[0]?.message as { eventId: string }).eventId).toBe(stableEventId(request.requestId));
    await rm(h.workRoot, { recursive: true, force: true });
  });

  it('refuses an invalid spec or data source before anything runs, naming what is wrong', async () => {
    const h = harness();
    const useCase = await h.useCase();
    const badSpec = useCase.execute({ ...request, spec: { ...request.spec, input: { height: 0, width: 96, channels: 1 } } });
    await expect(badSpec).rejects.toBeInstanceOf(FullTrainingRefusedError);
    await expect(badSpec).rejects.toMatchObject({
      code: FullTrainingErrorCodes.invalidSpec,
      message: expect.stringContaining('input.height'),
    });
    await expect(useCase.execute({ ...request, dataSource: 'ftp:somewhere' })).rejects.toMatchObject({
      code: FullTrainingErrorCodes.invalidDataSource,
    });
    expect(h.calls).toEqual([]);
    await rm(h.workRoot, { recursive: true, force: true });
  });

  it('refuses a search this deployment does not have, and a trial without a completed measurement', async () => {
    for (const options of [{ search: false }, { trialStatus: 'requested' as const }, { trialStatus: 'failed' as const }]) {
      const h = harness(options);
      const useCase = await h.useCase();
      const refused = useCase.execute(request);
      await expect(refused).rejects.toBeInstanceOf(FullTrainingRefusedError);
      await expect(refused).rejects.toMatchObject({ code: FullTrainingErrorCodes.unknownTrial });
      expect(h.calls).toEqual([]);
      await rm(h.workRoot, { recursive: true, force: true });
    }
  });

  it('lets an interruption by a shutdown through (left for redelivery), registering and announcing nothing', async () => {
    const h = harness({ interrupt: true });
    const useCase = await h.useCase();
    const interrupted = useCase.execute(request);
    await expect(interrupted).rejects.toBeInstanceOf(FullTrainingInterruptedError);
    await expect(interrupted).rejects.not.toBeInstanceOf(FullTrainingRefusedError);
    expect(h.calls).toEqual(['train']);
    await rm(h.workRoot, { recursive: true, force: true });
  });

  it('fills a quiet phase of the training with "still running" lines', async () => {
    const h = harness({ quietMs: 450 });
    const useCase = await h.useCase();
    await useCase.execute(request);
    expect(h.lines.filter((line) => line.startsWith('still running')).length).toBeGreaterThanOrEqual(2);
    await rm(h.workRoot, { recursive: true, force: true });
  });

  describe("gates: the candidate against the line's production model, like every candidate", () => {
    async function gated(options: Parameters<typeof harness>[0]) {
      const h = harness(options);
      const useCase = await h.useCase();
      try {
        await useCase.execute(request);
      } finally {
        await rm(h.workRoot, { recursive: true, force: true });
      }
      // A failed candidate is registered and announced all the same: its gatesPassed 0 is what keeps it from promotion.
      expect(h.calls.slice(-3)).toEqual(['publish', 'lineage', 'announce']);
      expect(h.publishedGates).toHaveLength(1);
      return { h, gates: h.publishedGates[0]! };
    }

    it('passes a candidate that keeps every production class and is not slower; no new-data check applies', async () => {
      const { h, gates } = await gated({});
      expect(h.measuredAgainst).toEqual([production]);
      expect(gates).toMatchObject({ passed: true, reasons: [], policy: GATE_POLICY });
      expect(gates.checks.map((c) => c.kind)).toEqual(['class-retention', 'class-retention', 'latency']);
      expect(h.logged).toContainEqual({
        context: expect.objectContaining({ requestId: request.requestId, gatesPassed: true, gateReasons: [] }),
        line: 'candidate passed its gates',
      });
    });

    it('fails a candidate that loses more than the allowed AP points on a production class, naming it', async () => {
      const { h, gates } = await gated({
        measured: measured({
          retention: [
            {
              name: 'validation (40 frames)',
              production: { open: 0.9, short: 0.8 },
              candidate: { open: 0.9, short: 0.78 },
              instances: { open: 40, short: 30 },
            },
          ],
        }),
      });
      expect(gates.passed).toBe(false);
      expect(gates.reasons).toEqual(['short on validation (40 frames): AP 0.8000 → 0.7800 (−2.00 pts; at most −1 allowed)']);
      expect(h.lines).toContain(`candidate failed its gates: ${gates.reasons[0]}`);
    });

    it("fails a candidate slower than allowed by the paired rounds' median ratio", async () => {
      const { gates } = await gated({ measured: measured({ latencyMs: { production: 10, candidate: 10.5, ratio: 1.25 } }) });
      expect(gates.passed).toBe(false);
      expect(gates.reasons).toEqual(['latency 10.50 ms vs production 10.00 ms per frame (×1.250; at most ×1.1)']);
    });

    it('with no production model on the line measures nothing and fails, saying so (an admin promotes it with an override)', async () => {
      const { h, gates } = await gated({ production: null });
      expect(h.calls).not.toContain('measure');
      expect(gates.passed).toBe(false);
      expect(gates.checks.map((c) => [c.kind, c.passed])).toEqual([
        ['class-retention', false],
        ['latency', false],
      ]);
      expect(gates.reasons.every((r) => r.startsWith('line pcb-1 has no production model'))).toBe(true);
    });
  });

  it('names every request its own version and event id', () => {
    expect(fullTrainingVersionOf(request)).toBe('nas-00000000-0000-4000-8000-0000000000a1');
    expect(stableEventId('a')).toBe(stableEventId('a'));
    expect(stableEventId('a')).not.toBe(stableEventId('b'));
    expect(Topics.modelRegistered.schema.shape.eventId.safeParse(stableEventId('a')).success).toBe(true);
  });
});

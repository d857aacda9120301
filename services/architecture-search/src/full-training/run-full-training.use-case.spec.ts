import { mkdtemp, mkdir, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type SearchTrainingRequestedV1, Topics } from '@argus/contracts';
import type { ModelVersion, NewSearchCandidateLineage, SearchCandidateLineage } from '@argus/persistence';
import { tinyPcbSpec } from '@argus/vision/testing';
import { FullTrainingErrorCodes, FullTrainingInterruptedError, FullTrainingRefusedError } from './full-training.errors';
import type { FullTrainingJob, RegisteredCandidate } from './full-training.ports';
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

function harness(
  options: {
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
    publisher: {
      publish: async () => {
        calls.push('publish');
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
    logger: { info: (_context: unknown, line: string) => void lines.push(line), warn: () => undefined },
    clock: () => new Date('2026-12-07T11:00:00.000Z'),
  };
  return {
    calls,
    trained,
    recorded,
    published,
    lines,
    async useCase() {
      workRoot = await mkdtemp(path.join(os.tmpdir(), 'full-training-spec-'));
      return new RunFullTrainingUseCase(deps as never, {
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
  it('trains, registers, records the lineage, then announces the candidate (in that order); the run folder goes', async () => {
    const h = harness();
    const useCase = await h.useCase();
    try {
      expect(await useCase.execute({ ...request, epochs: 12 })).toEqual(candidate);
      expect(h.calls).toEqual(['train', 'publish', 'lineage', 'announce']);
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

  it('names every request its own version and event id', () => {
    expect(fullTrainingVersionOf(request)).toBe('nas-00000000-0000-4000-8000-0000000000a1');
    expect(stableEventId('a')).toBe(stableEventId('a'));
    expect(stableEventId('a')).not.toBe(stableEventId('b'));
    expect(Topics.modelRegistered.schema.shape.eventId.safeParse(stableEventId('a')).success).toBe(true);
  });
});

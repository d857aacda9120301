import type { ModelVersion, ProductionLine } from '@argus/persistence';
import { strictMock } from '@argus/platform/testing';
import { BOOTSTRAP_ACTOR, ShippedModelsRegistrar, type ShippedModelsRegistrarDependencies } from './shipped-models.registrar';

const v = (id: string, name: string, version: string, usesTemplate: boolean): ModelVersion => ({
  id,
  name,
  version,
  artifactKey: `models/${name}/${version}`,
  classes: ['x'],
  spec: {},
  metrics: {},
  usesTemplate,
  parentVersionId: null,
  trainingDataFingerprint: null,
  backend: 'onnx',
  createdAt: new Date(0),
});
const line = (id: string, settings: ProductionLine['settings'] = {}): ProductionLine => ({
  id,
  name: id,
  settings,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

describe('ShippedModelsRegistrar: initial production models', () => {
  function registrar(lines: ProductionLine[], withTemplate: Set<string>, inProduction: Set<string>) {
    const promote = jest.fn(async () => ({ promotion: {} as never, changed: true }));
    const deps: ShippedModelsRegistrarDependencies = {
      store: strictMock<ShippedModelsRegistrarDependencies['store']>('store', {}),
      registry: strictMock<ShippedModelsRegistrarDependencies['registry']>('registry', {
        productionModelFor: jest.fn(async (lineId: string) => (inProduction.has(lineId) ? ({} as never) : null)),
      }),
      lines: strictMock<ShippedModelsRegistrarDependencies['lines']>('lines', {
        listLines: jest.fn(async () => lines),
        templateFor: jest.fn(async (lineId: string) => (withTemplate.has(lineId) ? ({} as never) : null)),
      }),
      promotions: strictMock<ShippedModelsRegistrarDependencies['promotions']>('promotions', { promote }),
      bus: strictMock<ShippedModelsRegistrarDependencies['bus']>('bus', {}),
      logger: { info: jest.fn(), warn: jest.fn(), error: jest.fn() },
    };
    return { promote, registrar: new ShippedModelsRegistrar(deps) };
  }

  it('leaves lines that have a production model alone', async () => {
    const { promote, registrar: r } = registrar([line('pcb-1')], new Set(['pcb-1']), new Set(['pcb-1']));
    await expect(r.assignLinesWithoutModel([v('a', 'pcb', '1', true)])).resolves.toEqual({ assigned: [], unassigned: [] });
    expect(promote).not.toHaveBeenCalled();
  });

  it('uses settings.modelName (newest version), else the only model whose template use fits; reports ambiguity', async () => {
    const shipped = [
      v('pcb-old', 'pcb', '20250101T000000Z', true),
      v('pcb-new', 'pcb', '20260101T000000Z', true),
      v('factory', 'factory', '1', false),
      v('road', 'road', '1', false),
    ];
    const lines = [
      line('named', { modelName: 'factory' }),
      line('pcb-line'),
      line('plain-line'),
      line('unknown-name', { modelName: 'nope' }),
    ];
    const { promote, registrar: r } = registrar(lines, new Set(['pcb-line']), new Set());
    const result = await r.assignLinesWithoutModel(shipped);
    expect(result.assigned).toEqual([
      { lineId: 'named', modelVersionId: 'factory' },
      { lineId: 'pcb-line', modelVersionId: 'pcb-new' },
    ]);
    expect(result.unassigned).toEqual([
      { lineId: 'plain-line', reason: 'several shipped models fit (factory, road): set settings.modelName' },
      { lineId: 'unknown-name', reason: 'settings.modelName is "nope", and no shipped model has that name' },
    ]);
    expect(promote).toHaveBeenCalledWith('pcb-line', 'pcb-new', BOOTSTRAP_ACTOR, 'initial production model: shipped pcb 20260101T000000Z');
    expect(promote).toHaveBeenCalledTimes(2);
  });

  it("narrows by settings.feed (the demo seed's lines): both seeded lines have templates, each gets its feed's model", async () => {
    const shipped = [
      v('f', 'factory-template-s8s16', '20260101T000000Z', true),
      v('p', 'pcb-template-s4', '20260101T000000Z', true),
      v('m', 'medical-s8s16', '1', false),
    ];
    const lines = [line('factory-1', { feed: 'factory' }), line('pcb-1', { feed: 'pcb' }), line('cells-1', { feed: 'medical' })];
    const { registrar: r } = registrar(lines, new Set(['factory-1', 'pcb-1', 'cells-1']), new Set());
    const result = await r.assignLinesWithoutModel(shipped);
    expect(result.assigned).toEqual([
      { lineId: 'factory-1', modelVersionId: 'f' },
      { lineId: 'pcb-1', modelVersionId: 'p' },
    ]);
    expect(result.unassigned).toEqual([{ lineId: 'cells-1', reason: 'no shipped model of feed "medical" that uses a golden template' }]);
  });
});

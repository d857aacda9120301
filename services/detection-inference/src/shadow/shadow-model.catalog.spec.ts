import type { ShadowModelVersion } from '@argus/persistence';
import type { RuntimeModel } from '../runtime/detector-runtime.port';
import { ShadowModelCatalog } from './shadow-model.catalog';

const version = (id: string, lineId = 'line-a'): ShadowModelVersion => ({
  lineId,
  id,
  name: 'pcb',
  version: id,
  artifactKey: `models/pcb/${id}`,
  classes: ['short'],
  usesTemplate: true,
});

describe('ShadowModelCatalog', () => {
  let pointers: Map<string, ShadowModelVersion>;
  let reads: number;
  let loaded: Set<string>;
  let clock: number;
  let catalog: ShadowModelCatalog;

  beforeEach(() => {
    pointers = new Map([['line-a', version('s1')]]);
    reads = 0;
    loaded = new Set();
    clock = 0;
    const runtime = {
      load: async (m: RuntimeModel) => void loaded.add(m.id),
      unload: async (id: string) => void loaded.delete(id),
      loadedModelIds: () => [...loaded],
    };
    const source = { shadowModelFor: async (lineId: string) => (reads++, pointers.get(lineId) ?? null) };
    catalog = new ShadowModelCatalog(source, runtime, { pointerTtlMs: 1000, now: () => clock });
  });

  it('reads a line’s shadow once per TTL, and again after it', async () => {
    expect((await catalog.shadowFor('line-a'))?.id).toBe('s1');
    pointers.set('line-a', version('s2'));
    expect((await catalog.shadowFor('line-a'))?.id).toBe('s1');
    expect(reads).toBe(1);
    clock = 1000;
    expect((await catalog.shadowFor('line-a'))?.id).toBe('s2');
  });

  it('on a change reads at once and preloads the new shadow; unloads what no line shadows any more', async () => {
    await catalog.onChanged('line-a');
    expect([...loaded]).toEqual(['s1']);
    pointers.set('line-a', version('s2'));
    expect((await catalog.onChanged('line-a'))?.id).toBe('s2');
    expect([...loaded].sort()).toEqual(['s1', 's2']);
    expect(await catalog.releaseUnused()).toEqual(['s1']);
    pointers.delete('line-a'); // ended, or promoted
    expect(await catalog.onChanged('line-a')).toBeNull();
    expect(await catalog.releaseUnused()).toEqual(['s2']);
  });
});

import type { ModelSummary } from '../api/api-types';
import { classMismatch } from './promote-panel';

const model = (id: string, name: string, classes: string[]): ModelSummary => ({
  id,
  name,
  version: '1',
  backend: 'onnx',
  classes,
  usesTemplate: false,
  createdAt: '2026-11-28T00:00:00.000Z',
  metrics: {},
  parentVersionId: null,
  productionOn: [],
});

describe('classMismatch', () => {
  const factory = model('f', 'factory', ['scratch', 'dent', 'stain', 'hole']);

  it('names the classes a promotion would drop and add', () => {
    expect(classMismatch(model('p', 'pcb', ['open', 'short', 'dent']), factory)).toBe(
      'Compared with factory v1 in production here, pcb v1 no longer detects scratch, stain, hole and adds open, short.',
    );
  });

  it('says nothing for the same classes in another order, the same version, or no current model', () => {
    expect(classMismatch(model('g', 'factory', ['hole', 'stain', 'dent', 'scratch']), factory)).toBeNull();
    expect(classMismatch(factory, factory)).toBeNull();
    expect(classMismatch(factory, undefined)).toBeNull();
  });
});

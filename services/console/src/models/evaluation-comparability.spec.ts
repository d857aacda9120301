import type { ModelEvaluation } from '@argus/persistence';
import { compareEvaluationData, evaluationDataOf, type EvaluationDataView } from './evaluation-comparability';

const data = (source: string, imageCount: number, fingerprint: string | null, fingerprintOf: EvaluationDataView['fingerprintOf'] = fingerprint ? 'training-data' : null): EvaluationDataView => ({
  source,
  split: 'validation',
  imageCount,
  fingerprint,
  fingerprintOf,
});
const side = (name: string, d: EvaluationDataView | null) => ({ name, version: '1.0.0', data: d });
const DEEPPCB = 'deeppcb:../shared/datasets/deeppcb';

describe('compareEvaluationData', () => {
  it('calls evaluations on different data sources not comparable, naming what each was evaluated on', () => {
    const result = compareEvaluationData(side('pcb-template-s4', data(DEEPPCB, 200, 'sha256:aaa')), side('factory-template-s8s16', data('synthetic:factory', 120, 'sha256:bbb')));
    expect(result).toMatchObject({ verdict: 'different', comparable: false });
    expect(result.reason).toBe(
      'A (pcb-template-s4@1.0.0) was evaluated on deeppcb:../shared/datasets/deeppcb (validation split, 200 images), ' +
        'B (factory-template-s8s16@1.0.0) on synthetic:factory (validation split, 120 images): not the same images.',
    );
  });

  it('calls another split or image count of the same source different data', () => {
    expect(compareEvaluationData(side('m', data(DEEPPCB, 200, 'sha256:aaa')), side('m', { ...data(DEEPPCB, 1000, 'sha256:aaa'), split: 'all' })).verdict).toBe('different');
    expect(compareEvaluationData(side('m', data(DEEPPCB, 200, null)), side('m', data(DEEPPCB, 180, null))).verdict).toBe('different');
  });

  it('confirms the same images only by equal fingerprints of the same kind', () => {
    const same = compareEvaluationData(side('m', data(DEEPPCB, 200, 'sha256:8ed3ef36b9ae41dd')), side('n', data(DEEPPCB, 200, 'sha256:8ed3ef36b9ae41dd')));
    expect(same).toMatchObject({ verdict: 'same', comparable: true });
    expect(same.reason).toContain('8ed3ef36b9ae…');
    // Recorded over the scored images and different: other images.
    expect(compareEvaluationData(side('m', data(DEEPPCB, 200, 'sha256:a', 'evaluation')), side('n', data(DEEPPCB, 200, 'sha256:b', 'evaluation'))).verdict).toBe('different');
    // Each version's own held-out split of different training data: perhaps other images.
    const ownSplits = compareEvaluationData(side('m', data(DEEPPCB, 200, 'sha256:a')), side('n', data(DEEPPCB, 200, 'sha256:b')));
    expect(ownSplits).toMatchObject({ verdict: 'unverified', comparable: false });
    expect(ownSplits.reason).toContain('the images may differ');
    expect(compareEvaluationData(side('m', data(DEEPPCB, 200, 'sha256:a', 'evaluation')), side('n', data(DEEPPCB, 200, 'sha256:a', 'training-data'))).verdict).toBe('unverified');
  });

  it('cannot confirm what it cannot identify: no fingerprint, or no evaluation at all', () => {
    const unknown = compareEvaluationData(side('m', data('synthetic:factory', 120, null)), side('n', data('synthetic:factory', 120, 'sha256:b')));
    expect(unknown).toMatchObject({ verdict: 'unverified', comparable: false });
    expect(unknown.reason).toContain('A (m@1.0.0) records nothing that identifies the images');
    const none = compareEvaluationData(side('m', null), side('n', data('synthetic:factory', 120, 'sha256:b')));
    expect(none).toMatchObject({ verdict: 'unverified', comparable: false });
    expect(none.reason).toBe(
      'A (m@1.0.0) has no evaluation report (argus eval --report), so what its figures were measured on is unknown; B (n@1.0.0) was evaluated on synthetic:factory (validation split, 120 images).',
    );
  });
});

describe('evaluationDataOf', () => {
  const evaluation = (over: Partial<ModelEvaluation> = {}): ModelEvaluation => ({ data: DEEPPCB, split: 'validation', imageCount: 200, map50: 0.9, map: 0.6, perClass: [], ...over });
  const lineage = { source: DEEPPCB, fingerprint: 'sha256:train', split: 'seeded split (seed 1)' };

  it("takes the report's own fingerprint, else the training data's when the evaluation scored a split of that same source", () => {
    expect(evaluationDataOf(evaluation({ fingerprint: 'sha256:eval' }), lineage)).toMatchObject({ fingerprint: 'sha256:eval', fingerprintOf: 'evaluation' });
    expect(evaluationDataOf(evaluation(), lineage)).toEqual({ source: DEEPPCB, split: 'validation', imageCount: 200, fingerprint: 'sha256:train', fingerprintOf: 'training-data' });
    expect(evaluationDataOf(evaluation({ data: 'synthetic:factory' }), lineage)).toMatchObject({ fingerprint: null, fingerprintOf: null });
    expect(evaluationDataOf(evaluation(), null)).toMatchObject({ fingerprint: null, fingerprintOf: null });
  });
});

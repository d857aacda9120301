import type { ModelEvaluation, TrainingDataLineage } from '@argus/persistence';

/**
 * The data an evaluation scored: where from, which split, how many images, and what identifies
 * those images when it is known.
 */
export interface EvaluationDataView {
  /** `argus eval`'s data source, e.g. `deeppcb:../shared/datasets/deeppcb` or `synthetic:factory`. */
  readonly source: string;
  /** `validation` (the held-out split, rebuilt as in training) or `all`. */
  readonly split: string;
  readonly imageCount: number;
  readonly fingerprint: string | null;
  /**
   * `evaluation`: recorded by the report over the images it scored. `training-data`: the version's
   * training-data fingerprint, which fixes its split of the same source (train and held-out samples)
   * and so the images of a `validation` or `all` evaluation. Null: nothing identifies the images.
   */
  readonly fingerprintOf: 'evaluation' | 'training-data' | null;
}

/** What identifies the images a version's evaluation scored. */
export function evaluationDataOf(evaluation: ModelEvaluation, trainingData: TrainingDataLineage | null): EvaluationDataView {
  const base = { source: evaluation.data, split: evaluation.split, imageCount: evaluation.imageCount };
  if (evaluation.fingerprint) return { ...base, fingerprint: evaluation.fingerprint, fingerprintOf: 'evaluation' };
  const splitOfTrainingData = trainingData !== null && trainingData.source === evaluation.data && (evaluation.split === 'validation' || evaluation.split === 'all');
  if (splitOfTrainingData && trainingData.fingerprint) return { ...base, fingerprint: trainingData.fingerprint, fingerprintOf: 'training-data' };
  return { ...base, fingerprint: null, fingerprintOf: null };
}

/**
 * Whether two versions' evaluations can be compared figure by figure. `same`: the same images
 * (equal fingerprints of the same kind). `different`: another source, split, image count or
 * recorded image set — an AP difference then says nothing about which model is better.
 * `unverified`: nothing contradicts it, but nothing confirms the images are the same.
 */
export interface EvaluationComparability {
  readonly verdict: 'same' | 'different' | 'unverified';
  /** True only for `same`. */
  readonly comparable: boolean;
  /** Why, naming the data each side was evaluated on. */
  readonly reason: string;
  readonly a: EvaluationDataView | null;
  readonly b: EvaluationDataView | null;
}

interface Side {
  readonly tag: 'A' | 'B';
  readonly name: string;
  readonly version: string;
  readonly data: EvaluationDataView | null;
}

export function compareEvaluationData(
  a: { readonly name: string; readonly version: string; readonly data: EvaluationDataView | null },
  b: { readonly name: string; readonly version: string; readonly data: EvaluationDataView | null },
): EvaluationComparability {
  const left: Side = { tag: 'A', ...a };
  const right: Side = { tag: 'B', ...b };
  const verdict = (v: EvaluationComparability['verdict'], reason: string): EvaluationComparability => ({
    verdict: v,
    comparable: v === 'same',
    reason,
    a: a.data,
    b: b.data,
  });
  const missing = [left, right].filter((s) => s.data === null);
  if (missing.length > 0) {
    const who = missing.map(label).join(' and ');
    const has = missing.length === 1 ? [left, right].find((s) => s.data !== null) : undefined;
    return verdict(
      'unverified',
      `${who} ${missing.length === 1 ? 'has' : 'have'} no evaluation report (argus eval --report), so what ${missing.length === 1 ? 'its' : 'their'} figures were measured on is unknown` +
        (has?.data ? `; ${label(has)} was evaluated on ${describe(has.data)}.` : '.'),
    );
  }
  const da = a.data as EvaluationDataView;
  const db = b.data as EvaluationDataView;
  const both = `${label(left)} was evaluated on ${describe(da)}, ${label(right)} on ${describe(db)}`;
  if (da.source !== db.source || da.split !== db.split || da.imageCount !== db.imageCount) return verdict('different', `${both}: not the same images.`);
  if (da.fingerprint !== null && db.fingerprint !== null && da.fingerprintOf === db.fingerprintOf) {
    if (da.fingerprint === db.fingerprint) return verdict('same', `Both were evaluated on the same images: ${describe(da)}, fingerprint ${short(da.fingerprint)}.`);
    if (da.fingerprintOf === 'evaluation') {
      return verdict('different', `${both}, but the images differ (fingerprints ${short(da.fingerprint)} and ${short(db.fingerprint)}).`);
    }
    return verdict(
      'unverified',
      `Both were evaluated on the ${da.split} split of ${da.source} (${da.imageCount} images), but each version's split was drawn from its own training data ` +
        `(fingerprints ${short(da.fingerprint)} and ${short(db.fingerprint)}): the images may differ.`,
    );
  }
  const unknown = [left, right].filter((s) => s.data?.fingerprint === null).map(label);
  const why = unknown.length > 0 ? `${unknown.join(' and ')} ${unknown.length === 1 ? 'records' : 'record'} nothing that identifies the images` : 'their fingerprints are not of the same kind';
  return verdict('unverified', `Both were evaluated on ${describe(da)}, but ${why}: the console cannot confirm they are the same images.`);
}

function label(s: Side): string {
  return `${s.tag} (${s.name}@${s.version})`;
}

function describe(d: EvaluationDataView): string {
  return `${d.source} (${d.split} split, ${d.imageCount} images)`;
}

function short(fingerprint: string): string {
  const hex = fingerprint.replace(/^sha256:/, '');
  return hex.length > 12 ? `${hex.slice(0, 12)}…` : hex;
}

import type { EvaluationImage } from '../eval/evaluation-image';
import { deepPcbApOver } from './fine-tune';

export interface ClassComparisonRow {
  readonly className: string;
  /** `old`: the parent knows it; `new`: only the candidate does. */
  readonly status: 'old' | 'new';
  /** Ground-truth boxes of the class in the data. */
  readonly groundTruth: number;
  /** DeepPCB benchmark AP (IoU > 0.33, same class) of this class alone; null when the model lacks the class. */
  readonly parentAp: number | null;
  readonly candidateAp: number;
  /** candidate − parent, in AP points (×100); null for a new class. */
  readonly deltaPoints: number | null;
}

export interface ClassComparison {
  readonly rows: readonly ClassComparisonRow[];
  /** The same AP over all old classes together, and over all new ones (null when there are none). */
  readonly old: { readonly parentAp: number; readonly candidateAp: number; readonly deltaPoints: number } | null;
  readonly new: { readonly candidateAp: number } | null;
}

/**
 * Per-class AP of a parent and its fine-tuned candidate on the same images: the table
 * `argus eval --compare` prints. Both sides must be predictions on exactly the same images.
 */
export function compareByClass(
  parent: readonly EvaluationImage[],
  candidate: readonly EvaluationImage[],
  parentClasses: readonly string[],
  candidateClasses: readonly string[],
): ClassComparison {
  const ids = (images: readonly EvaluationImage[]) =>
    images
      .map((i) => i.id)
      .sort()
      .join('\n');
  if (ids(parent) !== ids(candidate)) throw new RangeError('the two models were not evaluated on the same images');
  const missing = parentClasses.filter((c) => !candidateClasses.includes(c));
  if (missing.length > 0) throw new RangeError(`the candidate lacks the parent's class(es) ${missing.join(', ')}`);
  const points = (v: number) => Math.round(v * 100 * 100) / 100;
  const rows = candidateClasses.map((className): ClassComparisonRow => {
    const known = parentClasses.includes(className);
    const candidateAp = deepPcbApOver(candidate, [className]);
    const parentAp = known ? deepPcbApOver(parent, [className]) : null;
    return {
      className,
      status: known ? 'old' : 'new',
      groundTruth: candidate.reduce((n, i) => n + i.groundTruth.filter((b) => b.className === className).length, 0),
      parentAp,
      candidateAp,
      deltaPoints: parentAp === null ? null : points(candidateAp - parentAp),
    };
  });
  const added = candidateClasses.filter((c) => !parentClasses.includes(c));
  const oldParent = parentClasses.length > 0 ? deepPcbApOver(parent, parentClasses) : NaN;
  const oldCandidate = parentClasses.length > 0 ? deepPcbApOver(candidate, parentClasses) : NaN;
  return {
    rows,
    old:
      parentClasses.length > 0 ? { parentAp: oldParent, candidateAp: oldCandidate, deltaPoints: points(oldCandidate - oldParent) } : null,
    new: added.length > 0 ? { candidateAp: deepPcbApOver(candidate, added) } : null,
  };
}

/** The comparison as a fixed-width table. */
export function formatClassComparison(comparison: ClassComparison): string {
  const f = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(4));
  const d = (v: number | null) => (v === null ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(2)}`);
  const lines = [
    `${'class'.padEnd(12)} ${'status'.padEnd(6)} ${'parent AP'.padStart(9)} ${'candidate AP'.padStart(12)} ${'Δ pts'.padStart(7)} ${'GT'.padStart(6)}`,
  ];
  for (const r of comparison.rows) {
    lines.push(
      `${r.className.padEnd(12)} ${r.status.padEnd(6)} ${f(r.parentAp).padStart(9)} ${f(r.candidateAp).padStart(12)} ${d(r.deltaPoints).padStart(7)} ${String(r.groundTruth).padStart(6)}`,
    );
  }
  if (comparison.old)
    lines.push(
      `${'old classes'.padEnd(19)} ${f(comparison.old.parentAp).padStart(9)} ${f(comparison.old.candidateAp).padStart(12)} ${d(comparison.old.deltaPoints).padStart(7)}`,
    );
  if (comparison.new)
    lines.push(`${'new classes'.padEnd(19)} ${'—'.padStart(9)} ${f(comparison.new.candidateAp).padStart(12)} ${'—'.padStart(7)}`);
  lines.push('AP: the DeepPCB benchmark AP (IoU > 0.33, same class) over every detection, per class and over each group of classes');
  return lines.join('\n');
}

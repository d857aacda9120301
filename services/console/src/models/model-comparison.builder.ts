import { compareEvaluationData, type EvaluationComparability } from './evaluation-comparability';
import type { ModelDetail } from './model.presenter';

export interface ClassComparisonRow {
  readonly className: string;
  readonly a: { readonly ap50: number | null; readonly ap: number | null } | null;
  readonly b: { readonly ap50: number | null; readonly ap: number | null } | null;
  /** b − a at IoU 0.5; null unless both have a number and the evaluations are not on different data. */
  readonly deltaAp50: number | null;
}

export interface ModelComparison {
  readonly a: ModelDetail;
  readonly b: ModelDetail;
  readonly perClass: ClassComparisonRow[];
  readonly overall: {
    readonly a: { readonly map50: number | null; readonly map: number | null };
    readonly b: { readonly map50: number | null; readonly map: number | null };
  };
  /** Whether the two evaluations scored the same images: figures on different data are no comparison. */
  readonly evaluationData: EvaluationComparability;
}

/**
 * Two versions side by side: one row per class either knows (a's classes first, in its order,
 * then b's others), each side null where that version has no evaluation of the class; overall
 * mAP from the evaluation, else from the registered metrics, else null. When the evaluations were
 * on different data (another source, split or image set) no delta is given: a higher AP on other
 * images says nothing about which model is better.
 */
export function compareModels(a: ModelDetail, b: ModelDetail): ModelComparison {
  const evaluationData = compareEvaluationData(
    { name: a.name, version: a.version, data: a.evaluation?.data ?? null },
    { name: b.name, version: b.version, data: b.evaluation?.data ?? null },
  );
  const names = [...new Set([...classNamesOf(a), ...classNamesOf(b)])];
  const perClass = names.map((className): ClassComparisonRow => {
    const left = apOf(a, className);
    const right = apOf(b, className);
    const deltaAp50 =
      evaluationData.verdict !== 'different' && typeof left?.ap50 === 'number' && typeof right?.ap50 === 'number' ? right.ap50 - left.ap50 : null;
    return { className, a: left, b: right, deltaAp50 };
  });
  return { a, b, perClass, overall: { a: overallOf(a), b: overallOf(b) }, evaluationData };
}

function classNamesOf(m: ModelDetail): string[] {
  return [...m.classes, ...(m.evaluation?.perClass.map((c) => c.className) ?? [])];
}

function apOf(m: ModelDetail, className: string): { ap50: number | null; ap: number | null } | null {
  const row = m.evaluation?.perClass.find((c) => c.className === className);
  return row ? { ap50: row.ap50, ap: row.ap } : null;
}

function overallOf(m: ModelDetail): { map50: number | null; map: number | null } {
  if (m.evaluation) return { map50: m.evaluation.map50, map: m.evaluation.map };
  return { map50: m.metrics['map50'] ?? null, map: m.metrics['map'] ?? null };
}

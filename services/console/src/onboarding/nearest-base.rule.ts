/** A production model as the wizard weighs it for a new line. */
export interface BaseCandidate {
  readonly modelVersionId: string;
  readonly name: string;
  readonly version: string;
  readonly usesTemplate: boolean;
  readonly createdAt: Date;
  /** The lines it is in production on. */
  readonly lines: readonly string[];
}

export interface SuggestedBase {
  readonly modelVersionId: string;
  readonly name: string;
  readonly version: string;
  /** Why this one, in a sentence the wizard shows. */
  readonly reason: string;
}

/**
 * The "nearest production model" the wizard suggests as the base, by the first criterion of
 * libs/vision's chooseNearestModel that the registry alone can answer: template use (the new line
 * compares its frames with a golden template, or not, as the model does); ties go to the newest.
 * Channels and the exact template mode, the rule's next criteria, need the packages: the
 * adaptation transplants what differs and says so in its log. Null when no line has a model yet.
 */
export function suggestNearestBase(candidates: readonly BaseCandidate[], usesTemplate: boolean | null): SuggestedBase | null {
  if (candidates.length === 0) return null;
  const matches = (c: BaseCandidate) => (usesTemplate === null ? 0 : c.usesTemplate === usesTemplate ? 1 : 0);
  const best = [...candidates].sort(
    (a, b) => matches(b) - matches(a) || b.createdAt.getTime() - a.createdAt.getTime() || a.name.localeCompare(b.name),
  )[0] as BaseCandidate;
  const input = best.usesTemplate ? 'with a golden template' : 'without a template';
  const fit =
    usesTemplate === null
      ? 'the line does not say whether it uses a template'
      : best.usesTemplate === usesTemplate
        ? `frames ${input}, as this line's`
        : `no production model reads frames ${usesTemplate ? 'with' : 'without'} a template: its input is transplanted`;
  return {
    modelVersionId: best.modelVersionId,
    name: best.name,
    version: best.version,
    reason: `${best.name}@${best.version}, in production on ${best.lines.join(', ')}: ${fit}; the newest of ${candidates.length} production model(s) that fit as well`,
  };
}

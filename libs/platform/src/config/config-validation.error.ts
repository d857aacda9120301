/** One environment variable that is missing or malformed, and why (never its value). */
export interface ConfigProblem {
  readonly variable: string;
  readonly problem: string;
}

/** Start-up configuration is invalid. Names every bad variable at once, so one restart fixes all. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration: ${problems.length} environment variable(s) missing or malformed: ` +
        problems.map((p) => `${p.variable} (${p.problem})`).join('; '),
    );
    this.name = 'ConfigValidationError';
  }

  get variables(): string[] {
    return this.problems.map((p) => p.variable);
  }
}

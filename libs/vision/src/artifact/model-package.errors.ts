/** A model package that is missing, incomplete or corrupt; the message says which file and why. */
export class ModelPackageError extends Error {
  readonly code = 'INVALID_MODEL_PACKAGE';
  constructor(
    readonly location: string,
    reason: string,
  ) {
    super(`model package ${location}: ${reason}`);
  }
}

/**
 * An annotation file that does not say what its format says it should. `location` is
 * `path:line` (or the path alone for a whole-file problem) so a person can open it straight away.
 */
export class AnnotationFormatError extends Error {
  readonly code = 'ANNOTATION_FORMAT_INVALID';

  constructor(
    readonly location: string,
    readonly reason: string,
  ) {
    super(`${location}: ${reason}`);
    this.name = 'AnnotationFormatError';
  }
}

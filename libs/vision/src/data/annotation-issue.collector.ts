import { AnnotationFormatError } from './annotation-format.error';
import type { InvalidAnnotationPolicy, SkippedAnnotation } from './sample';

/**
 * Applies a loader's policy for malformed annotations: throw an `AnnotationFormatError` naming
 * file:line, or record the skip so a long run can carry on and report how many it dropped.
 */
export class AnnotationIssueCollector {
  private readonly issues: SkippedAnnotation[] = [];

  constructor(private readonly policy: InvalidAnnotationPolicy) {}

  report(location: string, reason: string): void {
    if (this.policy === 'error') throw new AnnotationFormatError(location, reason);
    this.issues.push({ location, reason });
  }

  get skipped(): readonly SkippedAnnotation[] {
    return this.issues;
  }
}

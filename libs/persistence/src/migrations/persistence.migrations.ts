import { InitialSchema1764345600000 } from './1764345600000-initial-schema.migration';
import { ConsoleIdentity1764950400000 } from './1764950400000-console-identity.migration';
import { ConsoleReviewAndModelEvaluation1764950500000 } from './1764950500000-console-review-and-model-evaluation.migration';
import { AlertQueueCount1765300000000 } from './1765300000000-alert-queue-count.migration';
import { FrameRetention1765400000000 } from './1765400000000-frame-retention.migration';
import { ContinualFineTune1765500000000 } from './1765500000000-continual-fine-tune.migration';
import { ShadowModels1765600000000 } from './1765600000000-shadow-models.migration';
import { AuditItems1765700000000 } from './1765700000000-audit-items.migration';
import { LineLearningPolicy1765800000000 } from './1765800000000-line-learning-policy.migration';
import { ArchitectureSearch1765900000000 } from './1765900000000-architecture-search.migration';
import { SearchCandidateLineage1765900100000 } from './1765900100000-search-candidate-lineage.migration';
import { NewLineOnboarding1766000000000 } from './1766000000000-new-line-onboarding.migration';

/** In order. A new migration is a new file and one more entry here; a released one is never edited. */
export const PERSISTENCE_MIGRATIONS = [
  InitialSchema1764345600000,
  ConsoleIdentity1764950400000,
  ConsoleReviewAndModelEvaluation1764950500000,
  AlertQueueCount1765300000000,
  FrameRetention1765400000000,
  ContinualFineTune1765500000000,
  ShadowModels1765600000000,
  AuditItems1765700000000,
  LineLearningPolicy1765800000000,
  ArchitectureSearch1765900000000,
  SearchCandidateLineage1765900100000,
  NewLineOnboarding1766000000000,
];

import { onOffField } from '@argus/platform';
import { z } from 'zod';
import { type AuditPolicy, DEFAULT_AUDIT_POLICY } from './audit-sampler';

/**
 * The audit sample's variables, part of continual-fine-tune's environment schema (config.ts), kept
 * beside the feature they drive.
 */
export const AuditEnvFields = {
  ARGUS_CONTINUAL_AUDIT: onOffField.default(true).meta({
    description:
      'Whether frames without an alert are sampled into the review queue as audit items (`on`/`off`): the misses a model never alerts on reach an operator only this way.',
    defaultText: 'on',
  }),
  ARGUS_CONTINUAL_AUDIT_NO_ALERT_SHARE: z.coerce.number().min(0).max(1).default(DEFAULT_AUDIT_POLICY.noAlertShare).meta({
    description:
      "Share of a line's frames without an alert that become audit items at random (drawn by the frame's content hash, so a redelivery draws the same), in [0, 1].",
  }),
  ARGUS_CONTINUAL_AUDIT_NEAR_THRESHOLD_MARGIN: z.coerce.number().min(0).max(1).default(DEFAULT_AUDIT_POLICY.nearThresholdMargin).meta({
    description:
      "A frame without an alert whose best score is within this margin under the line's alert threshold (the lowest min-score of its rules) always becomes an audit item.",
  }),
  ARGUS_CONTINUAL_AUDIT_MAX_OPEN_ITEMS: z.coerce.number().int().min(0).max(100_000).default(DEFAULT_AUDIT_POLICY.maxOpenItems).meta({
    description: 'A line with this many open (unreviewed) audit items gets no new ones until operators review some; 0 makes none.',
  }),
  ARGUS_CONTINUAL_AUDIT_GROUP_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/)
    .default('continual-fine-tune.audit')
    .meta({
      description:
        'The consumer group on inspection.detections.produced.v1 that samples audit items; one per deployment, like ARGUS_FINETUNE_LABELS_GROUP_ID.',
    }),
};

export type AuditEnv = { readonly [K in keyof typeof AuditEnvFields]: z.output<(typeof AuditEnvFields)[K]> };

export function auditPolicyOf(env: AuditEnv): AuditPolicy {
  return {
    noAlertShare: env.ARGUS_CONTINUAL_AUDIT_NO_ALERT_SHARE,
    nearThresholdMargin: env.ARGUS_CONTINUAL_AUDIT_NEAR_THRESHOLD_MARGIN,
    maxOpenItems: env.ARGUS_CONTINUAL_AUDIT_MAX_OPEN_ITEMS,
  };
}

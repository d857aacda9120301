import { AlertEntity } from './alert.entity';
import { AppUserEntity } from './app-user.entity';
import { AuditLogEntity } from './audit-log.entity';
import { CameraEntity } from './camera.entity';
import { DetectionEntity } from './detection.entity';
import { FrameInferenceEntity } from './frame-inference.entity';
import { FrameEntity } from './frame.entity';
import { LineAlertRuleEntity } from './line-alert-rule.entity';
import { LineProductionModelEntity } from './line-production-model.entity';
import { LineTemplateEntity } from './line-template.entity';
import { ModelPromotionEntity } from './model-promotion.entity';
import { ModelVersionEntity } from './model-version.entity';
import { ProductionLineEntity } from './production-line.entity';
import { ReviewEntity } from './review.entity';
import { ServiceTokenEntity } from './service-token.entity';
import { UserSessionEntity } from './user-session.entity';

/** Every entity the DataSource maps. Internal: the lib's public API is repositories and plain objects. */
export const PERSISTENCE_ENTITIES = [
  ProductionLineEntity,
  CameraEntity,
  LineAlertRuleEntity,
  LineTemplateEntity,
  FrameEntity,
  ModelVersionEntity,
  FrameInferenceEntity,
  DetectionEntity,
  AlertEntity,
  ReviewEntity,
  ModelPromotionEntity,
  LineProductionModelEntity,
  AuditLogEntity,
  AppUserEntity,
  UserSessionEntity,
  ServiceTokenEntity,
];

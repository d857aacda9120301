import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { CameraEntity } from './camera.entity';
import { FrameEntity } from './frame.entity';
import { ModelVersionEntity } from './model-version.entity';

/** One stored detection inside `alert.detections` (a snapshot: the rules met at raise time). */
export interface AlertDetectionJson {
  className: string;
  score: number;
  box: { x1: number; y1: number; x2: number; y2: number };
}

@Entity('alert')
@Unique('uq_alert_frame_model_version', ['frameId', 'modelVersionId'])
@Index('ix_alert_line_open', { synchronize: false })
@Index('ix_alert_line_created', { synchronize: false })
@Index('ix_alert_status_created', { synchronize: false })
@Index('ix_alert_detections', { synchronize: false })
@Index('ix_alert_open_filters', { synchronize: false })
@Index('ix_alert_audit_open', { synchronize: false })
export class AlertEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_alert' })
  id!: string;

  @Column({ type: 'uuid' })
  frameId!: string;

  @Column({ type: 'text' })
  lineId!: string;

  @Column({ type: 'text' })
  cameraId!: string;

  @Column({ type: 'uuid' })
  modelVersionId!: string;

  @Column({ type: 'text' })
  severity!: string;

  @Column({ type: 'text', default: 'open' })
  status!: string;

  @Column({ type: 'jsonb' })
  detections!: AlertDetectionJson[];

  /** `defect`: raised by the alert rules; `audit`: a frame without an alert sampled for review (its detections are the model's boxes under the threshold). */
  @Column({ type: 'text', default: 'defect' })
  kind!: string;

  /** Why an audit item was sampled (`near-threshold` | `random`); null for a defect alert. */
  @Column({ type: 'text', nullable: true })
  auditReason!: string | null;

  /** An audit item's rank in [0, 1] (1: the best score sat at the threshold); null for a defect alert. */
  @Column({ type: 'double precision', nullable: true })
  uncertainty!: number | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt!: Date;

  @ManyToOne(() => FrameEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'frame_id', foreignKeyConstraintName: 'fk_alert_frame' })
  frame?: Relation<FrameEntity>;

  @ManyToOne(() => CameraEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn([
    { name: 'line_id', referencedColumnName: 'lineId', foreignKeyConstraintName: 'fk_alert_camera' },
    { name: 'camera_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_alert_camera' },
  ])
  camera?: Relation<CameraEntity>;

  @ManyToOne(() => ModelVersionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'model_version_id', foreignKeyConstraintName: 'fk_alert_model_version' })
  modelVersion?: Relation<ModelVersionEntity>;
}

import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { FrameEntity } from './frame.entity';
import { ModelVersionEntity } from './model-version.entity';

@Entity('frame_inference')
@Index('ix_frame_inference_model_version', ['modelVersionId'])
export class FrameInferenceEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_frame_inference' })
  frameId!: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_frame_inference' })
  modelVersionId!: string;

  @Column({ type: 'integer' })
  detectionCount!: number;

  @Column({ type: 'double precision', nullable: true })
  inferenceMs!: number | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @ManyToOne(() => FrameEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'frame_id', foreignKeyConstraintName: 'fk_frame_inference_frame' })
  frame?: Relation<FrameEntity>;

  @ManyToOne(() => ModelVersionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'model_version_id', foreignKeyConstraintName: 'fk_frame_inference_model_version' })
  modelVersion?: Relation<ModelVersionEntity>;
}

import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { FrameInferenceEntity } from './frame-inference.entity';

@Entity('detection')
@Unique('uq_detection_inference_ordinal', ['frameId', 'modelVersionId', 'ordinal'])
export class DetectionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_detection' })
  id!: string;

  @Column({ type: 'uuid' })
  frameId!: string;

  @Column({ type: 'uuid' })
  modelVersionId!: string;

  @Column({ type: 'integer' })
  ordinal!: number;

  @Column({ type: 'text' })
  className!: string;

  @Column({ type: 'double precision' })
  score!: number;

  @Column({ type: 'double precision' })
  x1!: number;

  @Column({ type: 'double precision' })
  y1!: number;

  @Column({ type: 'double precision' })
  x2!: number;

  @Column({ type: 'double precision' })
  y2!: number;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @ManyToOne(() => FrameInferenceEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'frame_id', referencedColumnName: 'frameId', foreignKeyConstraintName: 'fk_detection_frame_inference' },
    {
      name: 'model_version_id',
      referencedColumnName: 'modelVersionId',
      foreignKeyConstraintName: 'fk_detection_frame_inference',
    },
  ])
  inference?: Relation<FrameInferenceEntity>;
}

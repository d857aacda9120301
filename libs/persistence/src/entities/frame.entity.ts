import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { CameraEntity } from './camera.entity';

@Entity('frame')
@Unique('uq_frame_camera_sha256', ['cameraId', 'lineId', 'sha256'])
// Descending key order is not expressible in the decorator: the migration owns these indexes.
@Index('ix_frame_camera_captured', { synchronize: false })
@Index('ix_frame_line_ingested', { synchronize: false })
@Index('ix_frame_template_key', { synchronize: false })
export class FrameEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_frame' })
  id!: string;

  @Column({ type: 'text' })
  lineId!: string;

  @Column({ type: 'text' })
  cameraId!: string;

  @Column({ type: 'text' })
  objectKey!: string;

  @Column({ type: 'text' })
  contentType!: string;

  /** The golden template the frame was ingested with (null: none, or ingested before it was recorded). */
  @Column({ type: 'text', nullable: true })
  templateKey!: string | null;

  @Column({ type: 'integer' })
  width!: number;

  @Column({ type: 'integer' })
  height!: number;

  @Column({ type: 'integer' })
  byteSize!: number;

  @Column({ type: 'text' })
  sha256!: string;

  @Column({ type: 'timestamptz', precision: 3 })
  capturedAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  ingestedAt!: Date;

  @Column({ type: 'text', default: 'ingested' })
  status!: string;

  @Column({ type: 'text', nullable: true })
  failureReason!: string | null;

  @ManyToOne(() => CameraEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn([
    { name: 'line_id', referencedColumnName: 'lineId', foreignKeyConstraintName: 'fk_frame_camera' },
    { name: 'camera_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_frame_camera' },
  ])
  camera?: Relation<CameraEntity>;
}

import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { ModelVersionEntity } from './model-version.entity';
import { ProductionLineEntity } from './production-line.entity';

@Entity('model_promotion')
@Index('ix_model_promotion_line_at', { synchronize: false })
export class ModelPromotionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_model_promotion' })
  id!: string;

  @Column({ type: 'text' })
  lineId!: string;

  @Column({ type: 'uuid', nullable: true })
  fromVersionId!: string | null;

  @Column({ type: 'uuid' })
  toVersionId!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  promotedBy!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'uuid', nullable: true })
  previousPromotionId!: string | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'clock_timestamp()' })
  promotedAt!: Date;

  @ManyToOne(() => ProductionLineEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'line_id', foreignKeyConstraintName: 'fk_model_promotion_line' })
  line?: Relation<ProductionLineEntity>;

  @ManyToOne(() => ModelVersionEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'from_version_id', foreignKeyConstraintName: 'fk_model_promotion_from_version' })
  fromVersion?: Relation<ModelVersionEntity> | null;

  @ManyToOne(() => ModelVersionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'to_version_id', foreignKeyConstraintName: 'fk_model_promotion_to_version' })
  toVersion?: Relation<ModelVersionEntity>;

  @ManyToOne(() => ModelPromotionEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'previous_promotion_id', foreignKeyConstraintName: 'fk_model_promotion_previous' })
  previousPromotion?: Relation<ModelPromotionEntity> | null;
}

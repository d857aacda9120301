import { Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ModelPromotionEntity } from './model-promotion.entity';
import { ModelVersionEntity } from './model-version.entity';
import { ProductionLineEntity } from './production-line.entity';

@Entity('line_production_model')
@Index('ix_line_production_model_version', ['modelVersionId'])
export class LineProductionModelEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_line_production_model' })
  lineId!: string;

  @Column({ type: 'uuid' })
  modelVersionId!: string;

  @Column({ type: 'uuid' })
  promotionId!: string;

  @Column({ type: 'timestamptz', precision: 3 })
  promotedAt!: Date;

  @OneToOne(() => ProductionLineEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'line_id', foreignKeyConstraintName: 'fk_line_production_model_line' })
  line?: Relation<ProductionLineEntity>;

  @ManyToOne(() => ModelVersionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'model_version_id', foreignKeyConstraintName: 'fk_line_production_model_version' })
  modelVersion?: Relation<ModelVersionEntity>;

  @ManyToOne(() => ModelPromotionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'promotion_id', foreignKeyConstraintName: 'fk_line_production_model_promotion' })
  promotion?: Relation<ModelPromotionEntity>;
}

import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ProductionLineEntity } from './production-line.entity';

@Entity('line_alert_rule')
export class LineAlertRuleEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_line_alert_rule' })
  lineId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_line_alert_rule' })
  className!: string;

  @Column({ type: 'double precision' })
  minScore!: number;

  @Column({ type: 'double precision', name: 'min_box_area_px2', default: 0 })
  minBoxAreaPx2!: number;

  @Column({ type: 'text' })
  severity!: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt!: Date;

  @ManyToOne(() => ProductionLineEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'line_id', foreignKeyConstraintName: 'fk_line_alert_rule_line' })
  line?: Relation<ProductionLineEntity>;
}

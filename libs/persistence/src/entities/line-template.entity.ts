import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ProductionLineEntity } from './production-line.entity';

@Entity('line_template')
export class LineTemplateEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_line_template' })
  lineId!: string;

  @Column({ type: 'text' })
  objectKey!: string;

  @Column({ type: 'integer' })
  width!: number;

  @Column({ type: 'integer' })
  height!: number;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @OneToOne(() => ProductionLineEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'line_id', foreignKeyConstraintName: 'fk_line_template_line' })
  line?: Relation<ProductionLineEntity>;
}

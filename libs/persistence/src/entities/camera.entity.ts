import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ProductionLineEntity } from './production-line.entity';

@Entity('camera')
export class CameraEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_camera' })
  lineId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_camera' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings!: Record<string, unknown>;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt!: Date;

  @ManyToOne(() => ProductionLineEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'line_id', foreignKeyConstraintName: 'fk_camera_line' })
  line?: Relation<ProductionLineEntity>;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row shape of `production_line`. Internal to the persistence lib: repositories map it to `ProductionLine`. */
@Entity('production_line')
export class ProductionLineEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_production_line' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings!: Record<string, unknown>;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt!: Date;
}

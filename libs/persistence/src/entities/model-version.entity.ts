import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';

@Entity('model_version')
@Unique('uq_model_version_name_version', ['name', 'version'])
@Index('ix_model_version_parent', { synchronize: false })
export class ModelVersionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_model_version' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  version!: string;

  @Column({ type: 'text' })
  artifactKey!: string;

  @Column({ type: 'jsonb' })
  classes!: string[];

  @Column({ type: 'jsonb', default: () => "'{}'" })
  spec!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metrics!: Record<string, number>;

  @Column({ type: 'boolean', default: false })
  usesTemplate!: boolean;

  @Column({ type: 'uuid', nullable: true })
  parentVersionId!: string | null;

  @Column({ type: 'text', nullable: true })
  trainingDataFingerprint!: string | null;

  @Column({ type: 'text' })
  backend!: string;

  @Column({ type: 'jsonb', nullable: true })
  evaluation!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  trainingData!: Record<string, unknown> | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt!: Date;

  @ManyToOne(() => ModelVersionEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'parent_version_id', foreignKeyConstraintName: 'fk_model_version_parent' })
  parentVersion?: Relation<ModelVersionEntity> | null;
}

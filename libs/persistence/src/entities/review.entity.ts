import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { AlertEntity } from './alert.entity';

export interface ReviewBoxJson {
  className: string;
  box: { x1: number; y1: number; x2: number; y2: number };
}

@Entity('review')
@Index('ix_review_alert_created', ['alertId', 'createdAt'])
export class ReviewEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_review' })
  id!: string;

  @Column({ type: 'uuid' })
  alertId!: string;

  @Column({ type: 'uuid' })
  reviewerId!: string;

  @Column({ type: 'text' })
  decision!: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  boxes!: ReviewBoxJson[];

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'clock_timestamp()' })
  createdAt!: Date;

  @ManyToOne(() => AlertEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'alert_id', foreignKeyConstraintName: 'fk_review_alert' })
  alert?: Relation<AlertEntity>;
}

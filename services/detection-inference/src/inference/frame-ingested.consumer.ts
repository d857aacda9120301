import { Topics } from '@argus/contracts';
import type { MessageBus, RetryOptions, Subscription } from '@argus/messaging';
import type { ProcessFrameUseCase } from './process-frame.use-case';

export const FRAME_CONSUMER_GROUP = 'detection-inference';

export interface FrameIngestedConsumerOptions {
  readonly topic?: typeof Topics.frameIngested;
  readonly groupId?: string;
  /**
   * Partitions handled in parallel by this member. Frames in flight (and so the largest
   * micro-batch) are at most concurrency × camerasPerPartition.
   */
  readonly concurrency: number;
  /**
   * Cameras of one partition handled at once (one frame at a time per camera, so the alert
   * dedup still sees each camera's frames in order). Default 1.
   */
  readonly camerasPerPartition?: number;
  /**
   * Frames of a camera scored ahead of the one being handled (the model works on them while that
   * one's results are written). 0 (default): none. Needs camerasPerPartition > 1 (the bus sees
   * ahead only then).
   */
  readonly readAheadPerCamera?: number;
  /** This member's partitions were (re)assigned: cameras may have moved (SubscribeOptions.onAssignment). */
  readonly onAssignment?: (partitions: readonly number[]) => void;
  readonly retry: RetryOptions;
}

/**
 * The consumer group on `inspection.frame.ingested.v1`. Thin: the bus parses and validates the
 * message against its schema (invalid → dead letter), the use case does the work, and the offset is
 * committed by the bus only after the use case resolved (all database writes done) or the message
 * was dead-lettered (NonRetryableError).
 *
 * Scale-out is by group members (more processes): the topic has 6 partitions (contracts) — enough
 * for 3 inference processes with 2 partitions each, or one process handling 6 cameras' frames in
 * parallel (batches of up to 6), while every camera's frames stay ordered (key = line/camera),
 * which the alert dedup relies on. More members than partitions would sit idle.
 */
export class FrameIngestedConsumer {
  constructor(
    private readonly bus: Pick<MessageBus, 'subscribe'>,
    private readonly useCase: Pick<ProcessFrameUseCase, 'execute' | 'hint'>,
    private readonly options: FrameIngestedConsumerOptions,
  ) {}

  subscribe(): Promise<Subscription> {
    return this.bus.subscribe(this.options.topic ?? Topics.frameIngested, {
      groupId: this.options.groupId ?? FRAME_CONSUMER_GROUP,
      concurrency: this.options.concurrency,
      keysInFlightPerPartition: this.options.camerasPerPartition ?? 1,
      retry: this.options.retry,
      ...(this.options.onAssignment ? { onAssignment: this.options.onAssignment } : {}),
      ...(this.options.readAheadPerCamera
        ? { readAhead: { messagesPerKey: this.options.readAheadPerCamera, hint: (event) => this.useCase.hint(event) } }
        : {}),
      handler: async (event) => {
        await this.useCase.execute(event);
      },
    });
  }
}

/** How far a consumer group is behind on a topic: messages not yet consumed, over all partitions. */
export interface ConsumerGroupLag {
  readonly groupId: string;
  readonly topic: string;
  readonly lag: number;
}

/** Messages held in a dead-letter topic (`<topic>.dlq`): what could not be handled. */
export interface DeadLetterCount {
  readonly topic: string;
  readonly count: number;
}

export interface PipelineHealth {
  readonly consumerGroups: readonly ConsumerGroupLag[];
  readonly deadLetters: readonly DeadLetterCount[];
}

/**
 * Read-only view of the bus's health for dashboards: every consumer group's lag (end offset minus
 * committed offset, per topic) and every dead-letter topic's message count (high minus low
 * watermark). Both message-bus adapters implement it.
 */
export interface PipelineHealthReader {
  pipelineHealth(): Promise<PipelineHealth>;
}

import { randomUUID } from 'node:crypto';
import { REPEAT_HEADERS, Topics } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';

/** The per-line shadow pointer (ShadowModelRepository in the service). */
export interface ShadowPointerPort {
  /** The line's shadow, null when none (or when it was promoted meanwhile). */
  current(lineId: string): Promise<{ readonly modelVersionId: string } | null>;
  setShadow(input: {
    lineId: string;
    modelVersionId: string;
    setBy: string;
    reason: string;
  }): Promise<{ readonly changed: boolean; readonly previousModelVersionId: string | null }>;
}

export const SHADOW_SET_BY = 'continual-fine-tune';

/** `started`: the candidate shadows its line (now, or already did); `superseded`: a newer shadow stands, left alone. */
export type ShadowStart = 'started' | 'superseded';

/**
 * A candidate that passed its gates becomes its line's shadow: detection-inference scores a sample
 * of the line's frames with it beside production, so an ML engineer sees how it agrees with
 * production and with the operators before promoting it. It replaces the line's previous shadow
 * (one per line; a newer candidate is the better bet), and `model.version.shadowed.v1` says so.
 *
 * A job's outcome announced again (a redelivery after a crash, `repeat`) sets the shadow only if
 * the line has none or has this one: the crash may have come before the pointer was written or
 * announced, but a newer candidate that took the line's shadow since must not be pushed out by an
 * old job's repeat. The event is published in every case that keeps the candidate as shadow (the
 * pointer may have been written before a crash kept the event from going out); consumers just
 * read the pointer again.
 */
export class StartShadowUseCase {
  constructor(
    private readonly pointers: ShadowPointerPort,
    private readonly bus: Pick<MessageBus, 'publish'>,
    private readonly options: { readonly topic?: typeof Topics.modelShadowed; readonly now?: () => number } = {},
  ) {}

  async execute(
    job: { readonly jobId: string; readonly lineId: string },
    candidateVersionId: string,
    options: { repeat: boolean },
  ): Promise<ShadowStart> {
    if (options.repeat) {
      const current = await this.pointers.current(job.lineId);
      if (current && current.modelVersionId !== candidateVersionId) return 'superseded';
    }
    const reason = `candidate of training job ${job.jobId} passed its gates`;
    const change = await this.pointers.setShadow({ lineId: job.lineId, modelVersionId: candidateVersionId, setBy: SHADOW_SET_BY, reason });
    await this.bus.publish(
      this.options.topic ?? Topics.modelShadowed,
      {
        eventId: randomUUID(),
        occurredAt: new Date((this.options.now ?? Date.now)()).toISOString(),
        lineId: job.lineId,
        modelVersionId: candidateVersionId,
        previousShadowVersionId: change.previousModelVersionId,
        setBy: SHADOW_SET_BY,
        reason,
      },
      change.changed ? {} : { headers: REPEAT_HEADERS },
    );
    return 'started';
  }
}

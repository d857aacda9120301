import type { IngestFrameUseCase } from '../ingest/ingest-frame.use-case';

/** What a source hands its frames to: the same use case as the HTTP endpoint. */
export type FrameIngestor = Pick<IngestFrameUseCase, 'execute'>;

/** A running source of frames besides HTTP: a watched folder, a simulated camera, a replay. */
export interface IngestSource {
  /** `folder:factory-1/cam-1`: for logs. */
  readonly name: string;
  /** Starts the loop in the background; `finished` settles when it ends on its own (a count or a replay reached). */
  start(): void;
  /** Stops after the frame in flight (never mid-write) and resolves when the loop has ended. */
  stop(): Promise<void>;
  readonly finished: Promise<void>;
}

/** The minimal logger the sources need (pino's Logger satisfies it). */
export interface SourceLogger {
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

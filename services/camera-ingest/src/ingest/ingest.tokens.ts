/** Nest injection tokens of the ingest feature. */
export const INGEST_TARGETS = Symbol('INGEST_TARGETS');
export const FRAME_LEDGER = Symbol('FRAME_LEDGER');
export const INGEST_CLOCK = Symbol('INGEST_CLOCK');
export const INGEST_SETTINGS = Symbol('INGEST_SETTINGS');
export const CAMERA_TOKEN = Symbol('CAMERA_TOKEN');

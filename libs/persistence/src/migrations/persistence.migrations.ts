import { InitialSchema1764345600000 } from './1764345600000-initial-schema.migration';

/** In order. A new migration is a new file and one more entry here; a released one is never edited. */
export const PERSISTENCE_MIGRATIONS = [InitialSchema1764345600000];

import { loadConfig, serviceEnvSchema } from '@argus/platform';
import { z } from 'zod';

const FixtureEnvSchema = serviceEnvSchema(0).extend({
  FIXTURE_READY: z.enum(['up', 'down']).default('up'),
  /** Makes the fixture's shutdown step hang, to exercise the shutdown deadline and the second signal. */
  FIXTURE_STUCK_ON_SHUTDOWN: z.enum(['0', '1']).default('0'),
});

export const fixtureConfig = () => loadConfig(FixtureEnvSchema);
export type FixtureConfig = ReturnType<typeof fixtureConfig>;

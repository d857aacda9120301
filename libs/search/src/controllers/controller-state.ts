import { z } from 'zod';
import { SearchError, SearchErrorCodes } from '../search.errors';
import type { ControllerContext, Proposal } from './search.controller';

/** Choices as stored in a controller's state. */
export const ChoicesSchema = z.array(z.number().int().min(0));

/** A reward must be a finite number, and the proposal's choices must index the space. */
export function assertObservation(context: ControllerContext, proposal: Proposal, reward: number): void {
  if (!Number.isFinite(reward))
    throw new SearchError(SearchErrorCodes.invalidMeasurement, `a reward must be a finite number, got ${reward}`, { reward });
  const issues = context.space.choiceIssues(proposal.choices);
  if (issues.length > 0)
    throw new SearchError(SearchErrorCodes.invalidChoices, `the observed proposal does not index the space: ${issues.join('; ')}`, {
      issues,
    });
}

/** Parses a stored state, naming what is wrong with it. */
export function parseState<T>(schema: z.ZodType<T>, state: unknown, what: string): T {
  const parsed = schema.safeParse(state);
  if (!parsed.success) throw new SearchError(SearchErrorCodes.invalidState, `not ${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

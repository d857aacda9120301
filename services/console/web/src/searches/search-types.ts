import type { components, operations } from '../api/console-api.generated';

/** The searches pages' names for the console API's answers (generated from the server's schemas). */
type Schemas = components['schemas'];
export type SearchSummary = Schemas['SearchSummary'];
export type SearchDetail = Schemas['SearchDetail'];
export type SearchPoint = Schemas['SearchPoint'];
export type SearchTrainingRequest = Schemas['SearchTrainingRequest'];
export type ProductionMark = NonNullable<SearchDetail['production']>;
export type TrainTrialRequest = NonNullable<operations['SearchesController_train']['requestBody']>['content']['application/json'];

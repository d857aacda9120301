// Architecture search: the space of detector architectures, the controllers that search it
// (PPO, regularized evolution, random), the objective and the Pareto front, the engine that
// turns a controller into trial requests, and the trial evaluator that trains and times one.
export * from './search.types';
export * from './report/front.plot';
export * from './search.errors';
export * from './space/search-space';
export * from './space/detector-search.space';
export * from './space/seeded-stream';
export * from './objective/search.reward';
export * from './objective/pareto-front';
export * from './scheduling/successive-halving';
export * from './controllers/search.controller';
export * from './controllers/random.controller';
export * from './controllers/evolution.controller';
export * from './controllers/ppo/ppo.controller';
export * from './controllers/ppo/ppo.loss';
export * from './controllers/ppo/recurrent-policy';
export * from './controllers/search-controller.factory';
export * from './trial';
export * from './pool';
export * from './engine/search.engine';
export * from './runner/local-search.runner';

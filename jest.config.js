// One test runner for the whole repo. @swc/jest compiles TypeScript with decorator metadata,
// which NestJS's dependency injection needs. Unit tests (*.spec.ts) do no I/O; integration tests
// (*.int-spec.ts) talk to the real Kafka, S3Proxy and Postgres that `npm run infra:up` starts;
// end-to-end tests (*.e2e-spec.ts) run the services as processes on them.
const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

// The console's web UI (services/console/web): TSX with React's automatic JSX runtime. Its DOM tests
// ask for jsdom with a `/** @jest-environment jsdom */` docblock; everything else stays on node.
const swcTsxTransform = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      transform: { react: { runtime: 'automatic' } },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swcTransform, '^.+\\.tsx$': swcTsxTransform },
  moduleNameMapper: { '^@argus/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts' },
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/tools', '<rootDir>/e2e', '<rootDir>/scripts'],
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/.infra', '<rootDir>/services/console/web/dist'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.spec.ts', '**/*.spec.tsx'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['**/*.int-spec.ts'],
      setupFiles: ['<rootDir>/scripts/jest-integration-env.js'],
      slowTestThreshold: 30,
    },
    {
      // End-to-end (*.e2e-spec.ts): the real service processes on the same infrastructure.
      ...common,
      displayName: 'e2e',
      testMatch: ['**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/scripts/jest-integration-env.js'],
      slowTestThreshold: 120,
    },
  ],
};

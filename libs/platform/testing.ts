// Test helpers shared by every project's tests: `import { strictMock, waitFor } from '@argus/platform/testing'`.
// Kept out of the package's main entry, so production code never loads them.
export { forbidden, strictMock } from './src/testing/strict-mock.helper';
export { waitFor, type WaitForOptions } from './src/testing/wait-for.poller';

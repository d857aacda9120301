// Test-only entry point `@argus/vision/testing`: fixtures for tests that train real (tiny) models.
export * from './src/testing/tiny-pcb.spec-fixture';

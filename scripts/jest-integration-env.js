// Integration tests read the same environment variables as the services; defaults match
// infra/local/defaults.env so `npm run infra:up && npm run test:int` works with no setup.
const defaults = {
  ARGUS_KAFKA_BROKERS: '127.0.0.1:19092',
  ARGUS_S3_ENDPOINT: 'http://127.0.0.1:19000',
  ARGUS_S3_ACCESS_KEY: 'argus',
  ARGUS_S3_SECRET_KEY: 'argus-dev-secret',
  ARGUS_S3_REGION: 'us-east-1',
  ARGUS_DATABASE_URL: 'postgres://argus:argus@127.0.0.1:15432/argus',
};
for (const [name, value] of Object.entries(defaults)) {
  if (!process.env[name]) process.env[name] = value;
}

// One lint setup for the repo. The Nx module-boundary rule makes the architecture enforceable:
// - libs never import services; services never import each other;
// - `contracts` imports nothing of ours and no package but zod;
// - infrastructure clients (kafkajs, typeorm/pg, minio, TensorFlow.js/ONNX Runtime) are imported only
//   by the adapter library that declares them (tag adapter:*), never by services or other libs.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const infraClients = {
  kafka: ['kafkajs'],
  s3: ['minio'],
  postgres: ['typeorm', 'pg', '@electric-sql/*'],
  ml: ['@tensorflow/*', 'onnxruntime-node', 'onnxruntime-common', 'onnx-proto', 'sharp'],
};
const allInfra = Object.values(infraClients).flat();
const except = (kind) => allInfra.filter((p) => !infraClients[kind].includes(p));

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.infra/**', '.nx/**', 'models/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: ['scope:contracts'], allowedExternalImports: ['zod', 'node:*'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'], bannedExternalImports: allInfra },
            { sourceTag: 'scope:platform', bannedExternalImports: allInfra },
            // Persistence sits below the domain libs: it stores what they decide and imports none of them.
            { sourceTag: 'scope:persistence', onlyDependOnLibsWithTags: ['scope:platform', 'scope:contracts'] },
            { sourceTag: 'adapter:kafka', bannedExternalImports: except('kafka') },
            { sourceTag: 'adapter:s3', bannedExternalImports: except('s3') },
            { sourceTag: 'adapter:postgres', bannedExternalImports: except('postgres') },
            { sourceTag: 'adapter:ml', bannedExternalImports: except('ml') },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'], bannedExternalImports: allInfra },
            { sourceTag: 'type:composition', onlyDependOnLibsWithTags: ['type:service', 'type:lib'], bannedExternalImports: allInfra },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
];

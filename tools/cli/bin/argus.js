#!/usr/bin/env node
// `npx argus …` — runs the TypeScript CLI through @swc-node/register. The repo's tsconfig is named
// explicitly so decorator metadata and strict settings apply whatever the working directory.
const path = require('node:path');
process.env.SWC_NODE_PROJECT ??= path.join(__dirname, '..', '..', '..', 'tsconfig.json');
require('@swc-node/register');
require('../src/main.ts');

#!/usr/bin/env node
// `npx argus …` — runs the TypeScript CLI through @swc-node/register (decorator metadata and all).
require('@swc-node/register');
require('../src/main.ts');

import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * How a GPU host turns on onnxruntime-node's CUDA download is written in two places, the GPU host
 * page of the docs and the comment in .npmrc; both must name the same variable, and it must be one
 * the installed onnxruntime-node's install script reads and does not call deprecated.
 */
const ROOT = path.resolve(__dirname, '../../../..');
const GPU_HOST_DOC = 'docs/developer/gpu-host.md';
const VARIABLE = /\bONNXRUNTIME_NODE_INSTALL\w*/g;

function variablesIn(file: string): string[] {
  return [...new Set(readFileSync(path.join(ROOT, file), 'utf8').match(VARIABLE) ?? [])];
}

describe('the ONNX Runtime install notes', () => {
  it('the GPU host page and .npmrc name the same install variable', () => {
    const documented = variablesIn(GPU_HOST_DOC);
    expect(documented.length).toBeGreaterThan(0);
    expect(variablesIn('.npmrc')).toEqual(documented);
  });

  it('the variable is one onnxruntime-node reads, and not its deprecated one', () => {
    const scripts = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'script');
    const reader = readFileSync(path.join(scripts, 'install-utils.js'), 'utf8');
    const usage = readFileSync(path.join(scripts, 'install.js'), 'utf8');
    for (const variable of variablesIn(GPU_HOST_DOC)) {
      expect(reader).toContain(`process.env.${variable} `);
      expect(usage).not.toMatch(new RegExp(`"${variable}" \\(deprecated\\)`));
    }
  });
});

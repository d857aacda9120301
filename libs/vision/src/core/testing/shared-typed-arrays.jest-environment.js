// A Jest environment for test files that run ONNX Runtime (a native addon): its outputs are typed
// arrays of Node's own realm, which fail onnxruntime-common's `instanceof Float32Array` checks inside
// Jest's per-file realm. Jest already shares ArrayBuffer and Uint8Array with Node's realm for the same
// reason (Buffer); this shares every typed array. Use with a `@jest-environment` docblock.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint16Array',
  'Uint32Array',
  'Uint8ClampedArray',
  'BigInt64Array',
  'BigUint64Array',
  'DataView',
];

class SharedTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = SharedTypedArraysEnvironment;

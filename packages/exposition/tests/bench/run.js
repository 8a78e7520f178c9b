// Runs a TypeScript benchmark without a build: `node packages/exposition/tests/bench/run.js <file.bench.ts>`.
// Benchmarks are not tests (jest never picks them up): they print numbers for docs/benchmarks.md.
const { transformSync } = require('@swc/core');
const fs = require('node:fs');
const path = require('node:path');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

require(path.resolve(process.argv[2]));

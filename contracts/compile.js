#!/usr/bin/env node
// Compiles contracts/src/*.sol with the pinned solc-js (package.json) through solc's standard JSON
// interface and writes build/combined.json in the `solc --combined-json abi,bin,bin-runtime,hashes`
// layout that `abigen --combined-json` reads. Only contracts defined in src/ with bytecode are written
// (no interfaces, no OpenZeppelin internals). Test-only contracts in test/ go to
// build/test-combined.json, which Go tests load directly (no bindings). The output has sorted keys,
// relative source names and no timestamps, so compiling twice gives identical bytes.
//
//   node compile.js          compile and write build/combined.json and build/test-combined.json
//   node compile.js --check  compile in memory and fail if either file differs
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

const ROOT = __dirname;
// Source directory -> output file.
const TARGETS = [
  { dir: 'src', out: path.join(ROOT, 'build', 'combined.json') },
  { dir: 'test', out: path.join(ROOT, 'build', 'test-combined.json') },
];

// Compiler settings. Changing any of them changes the bytecode, and so the Go bindings.
const SETTINGS = {
  optimizer: { enabled: true, runs: 10000 },
  evmVersion: 'cancun',
  viaIR: true,
  metadata: { bytecodeHash: 'none' },
  outputSelection: {
    '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.methodIdentifiers'] },
  },
};

function sources(dir) {
  const out = {};
  for (const f of fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.sol')).sort()) {
    const name = `${dir}/${f}`;
    out[name] = { content: fs.readFileSync(path.join(ROOT, name), 'utf8') };
  }
  return out;
}

// Resolves imports such as "@openzeppelin/contracts/..." from node_modules, keeping the source name
// relative so no absolute path reaches the metadata.
function findImports(name) {
  const candidates = [path.join(ROOT, 'node_modules', name), path.join(ROOT, name)];
  for (const p of candidates) {
    if (p.startsWith(ROOT + path.sep) && fs.existsSync(p)) return { contents: fs.readFileSync(p, 'utf8') };
  }
  return { error: `import not found: ${name}` };
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = sortKeys(v[k]);
    return o;
  }
  return v;
}

function compile(dir) {
  const input = { language: 'Solidity', sources: sources(dir), settings: SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  for (const e of output.errors || []) {
    // Library warnings (OpenZeppelin's transient-storage note) are not ours to fix.
    const ours = !e.sourceLocation || e.sourceLocation.file.startsWith(`${dir}/`);
    if (e.severity === 'error' || ours) process.stderr.write(e.formattedMessage + '\n');
  }
  if (errors.length > 0) throw new Error(`solc: ${errors.length} error(s)`);

  const contracts = {};
  for (const [file, byName] of Object.entries(output.contracts)) {
    if (!file.startsWith(`${dir}/`)) continue;
    for (const [name, c] of Object.entries(byName)) {
      if (!c.evm.bytecode.object) continue; // interfaces and abstract contracts
      contracts[`${file}:${name}`] = {
        abi: c.abi,
        bin: c.evm.bytecode.object,
        'bin-runtime': c.evm.deployedBytecode.object,
        hashes: c.evm.methodIdentifiers,
      };
    }
  }
  return JSON.stringify(sortKeys({ contracts, version: solc.version() }), null, 2) + '\n';
}

function main() {
  const check = process.argv.includes('--check');
  let stale = false;
  for (const { dir, out } of TARGETS) {
    const combined = compile(dir);
    const rel = path.relative(process.cwd(), out);
    if (check) {
      const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
      if (current !== combined) {
        process.stderr.write(`${rel} is stale: run \`cd contracts && node compile.js\`\n`);
        stale = true;
      } else {
        process.stdout.write(`${rel} is up to date\n`);
      }
      continue;
    }
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, combined);
    process.stdout.write(`wrote ${rel}\n`);
  }
  if (stale) process.exit(1);
}

main();

#!/usr/bin/env node
// Reads every schema of a SchemaStore catalogue checkout (src/schemas/json/*.json), collects the regular expressions
// its schemas use (`pattern` values and `patternProperties` keys), and writes, for each distinct one, the first file
// that uses it, how many files do, and what node's RegExp says: "u" when new RegExp(p, "u") accepts it, "annexB" when
// only new RegExp(p) does, "error" (with node's message) when both reject it, plus which of a fixed list of probe
// strings it matches, read as the registry reads it. Only the patterns and file names are kept, not the schemas.
//
//   node tests/js/schemastore/extract-patterns.js /path/to/schemastore [commit] \
//     > tests/Registry.Schemas.Tests/Validation/Patterns/schemastore-patterns.json
'use strict';
const fs = require('fs');
const path = require('path');

const root = process.argv[2];
const commit = process.argv[3] || null;
if (!root) {
  console.error('usage: extract-patterns.js <schemastore checkout> [commit]');
  process.exit(2);
}

const dir = path.join(root, 'src', 'schemas', 'json');

// Keywords whose values are data, not schemas: a "pattern" key inside them is not a regular expression.
const dataKeywords = new Set(['enum', 'const', 'default', 'examples', 'example', 'x-examples', 'markdownEnumDescriptions', 'enumDescriptions']);

const found = new Map(); // pattern -> { file, files:Set, keyword }
function note(pattern, file, keyword) {
  let entry = found.get(pattern);
  if (!entry) {
    entry = { file, files: new Set(), keyword };
    found.set(pattern, entry);
  }

  entry.files.add(file);
}

function walk(node, file) {
  if (Array.isArray(node)) {
    for (const item of node) {
      walk(item, file);
    }

    return;
  }

  if (node === null || typeof node !== 'object') {
    return;
  }

  for (const [key, value] of Object.entries(node)) {
    if (dataKeywords.has(key)) {
      continue;
    }

    if (key === 'pattern' && typeof value === 'string') {
      note(value, file, 'pattern');
    } else if (key === 'patternProperties' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const name of Object.keys(value)) {
        note(name, file, 'patternProperties');
      }
    } else if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      // Property names are names, not keywords: walk only their schemas.
      for (const sub of Object.values(value)) {
        walk(sub, file);
      }

      continue;
    }

    walk(value, file);
  }
}

let files = 0;
let unreadable = 0;
for (const name of fs.readdirSync(dir).filter(n => n.endsWith('.json')).sort()) {
  let schema;
  try {
    schema = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    unreadable++;
    continue;
  }

  files++;
  walk(schema, `src/schemas/json/${name}`);
}

// Probe strings: what real patterns constrain (names, versions, paths, URLs, identifiers), and the corners where the
// two grammars differ (non-ASCII, astral characters, line terminators).
const probes = [
  '', 'a', 'abc', 'ABC', 'Abc-123', 'foo_bar', 'foo.bar', 'foo/bar', '/usr/local', 'C:\\dir', '1', '1.2.3',
  'v1.0.0-beta+1', '2024-01-31', '2024-01-31T12:00:00Z', '12:30', 'x@y.io', 'https://example.com/a?b=c', '${VAR}',
  '{{ x }}', '$ref', '#/definitions/a', 'a b', ' ', '\t', 'x\ny', '-', '*', '10px', '#fff', 'é', 'Ünïcode', '😀',
  'a😀b', '0xFF', 'on', 'true', 'null', '100%', 'key=value', 'ab:cd', '@scope/pkg', 'arn:aws:s3:::bucket',
];

function verdict(pattern) {
  try {
    return { mode: 'u', regex: new RegExp(pattern, 'u') };
  } catch {
    try {
      return { mode: 'annexB', regex: new RegExp(pattern) };
    } catch (e) {
      return { mode: 'error', error: e.message };
    }
  }
}

const patterns = [];
const counts = { u: 0, annexB: 0, error: 0 };
for (const pattern of [...found.keys()].sort()) {
  const entry = found.get(pattern);
  const v = verdict(pattern);
  counts[v.mode]++;
  const item = { pattern, file: entry.file, files: entry.files.size, mode: v.mode };
  if (v.error) {
    item.error = v.error;
  } else {
    item.probes = probes.map(p => (v.regex.test(p) ? '1' : '0')).join('');
  }

  patterns.push(item);
}

const out = {
  generator: 'tests/js/schemastore/extract-patterns.js',
  node: process.version,
  source: { repository: 'https://github.com/SchemaStore/schemastore', commit, license: 'Apache-2.0', files, unreadable },
  note: 'Generated; do not edit. The regular expressions (pattern values, patternProperties keys) of the SchemaStore catalogue, one per distinct pattern, with the first file that uses it. mode: u = new RegExp(p, "u") accepts it; annexB = only new RegExp(p) does; error = both reject. probes: for each probe string in order, 1 when the pattern matches it.',
  counts,
  probes,
  patterns,
};
// One pattern a line: small diffs when the catalogue changes.
const { patterns: list, ...head } = out;
const lines = JSON.stringify(head, null, 1).replace(/\n}$/, ',\n "patterns": [\n');
process.stdout.write(lines + list.map(item => '  ' + JSON.stringify(item)).join(',\n') + '\n ]\n}\n');

// ajv over a validation corpus (<name>/schema.json, <name>/instances.jsonl), JSON.parse included in every timing.
// Prints name,instances,compile_ns,cold_ns,warm_ns,invalid_count per schema, then TOTAL_WARM_NS,<n>: the same format
// as `dotnet run -c Release --project benchmarks/Registry.Benchmarks -- corpus DIR`.
// Usage: node corpus.js DIR [--format-assertion] [--passes N]
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv').default;
const Ajv2019 = require('ajv/dist/2019').default;
const Ajv2020 = require('ajv/dist/2020').default;
const AjvDraft04 = require('ajv-draft-04').default;
const addFormats = require('ajv-formats').default;
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json');

const args = process.argv.slice(2);
const dir = args[0];
const formatAssertion = args.includes('--format-assertion');
const passesIndex = args.indexOf('--passes');
const passes = passesIndex >= 0 ? Number(args[passesIndex + 1]) : 10;
const minWarmNs = 2e9;

function ajvFor(schema) {
  const options = { strict: false, validateFormats: formatAssertion };
  const uri = (schema.$schema || '').replace(/#$/, '');
  let ajv;
  if (uri.endsWith('draft-04/schema')) ajv = new AjvDraft04(options);
  else if (uri.endsWith('draft-06/schema') || uri.endsWith('draft-07/schema')) {
    ajv = new Ajv(options);
    ajv.addMetaSchema(draft06);
  } else if (uri.endsWith('2019-09/schema')) ajv = new Ajv2019(options);
  else ajv = new Ajv2020(options);
  addFormats(ajv);
  return ajv;
}

const now = () => process.hrtime.bigint();
let total = 0n;
for (const name of fs.readdirSync(dir).sort()) {
  const schemaPath = path.join(dir, name, 'schema.json');
  const instancesPath = path.join(dir, name, 'instances.jsonl');
  if (!fs.existsSync(schemaPath) || !fs.existsSync(instancesPath)) continue;
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  const instances = fs.readFileSync(instancesPath, 'utf8').split('\n').filter((l) => l.trim().length > 0);
  const compileStart = now();
  const validate = ajvFor(schema).compile(schema);
  const compileNs = now() - compileStart;
  let invalid = 0;
  const coldStart = now();
  for (const line of instances) if (!validate(JSON.parse(line))) invalid++;
  const coldNs = now() - coldStart;
  let best = null;
  const budgetStart = now();
  for (let pass = 0; pass < passes || (now() - budgetStart < BigInt(minWarmNs) && pass < passes * 100); pass++) {
    const start = now();
    for (const line of instances) validate(JSON.parse(line));
    const elapsed = now() - start;
    if (best === null || elapsed < best) best = elapsed;
  }
  total += best;
  console.log(`${name},${instances.length},${compileNs},${coldNs},${best},${invalid}`);
}
console.log(`TOTAL_WARM_NS,${total}`);

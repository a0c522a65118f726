// jsonrepair over the model outputs of ./outputs, then JSON.parse and ajv on the repaired text: the same path as the
// registry's `output` benchmark mode (extract + repair + validate). Prints kind,name,ns_per_op,result lines in the
// same shape: result is valid / invalid (ajv said no) / error (jsonrepair threw).
// Usage: node compare.js [--seconds S]
'use strict';
const fs = require('fs');
const path = require('path');
const { jsonrepair } = require('jsonrepair');
const Ajv2020 = require('ajv/dist/2020').default;

const args = process.argv.slice(2);
const secondsAt = args.indexOf('--seconds');
const seconds = secondsAt >= 0 ? Number(args[secondsAt + 1]) : 1;
const dir = path.join(__dirname, 'outputs');
const validate = new Ajv2020({ strict: false }).compile(JSON.parse(fs.readFileSync(path.join(dir, 'schema.json'), 'utf8')));

function check(text) {
  let value;
  try {
    value = JSON.parse(jsonrepair(text));
  } catch {
    return 'error';
  }
  return validate(value) ? 'valid' : 'invalid';
}

// Mean CPU ns per call (user + system time of the process, so that other load on a shared machine counts less than it
// would in wall-clock time) over the best of three timed rounds, after a warm-up round (as ModelOutputRunner does).
function cpuNs() {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

function measure(fn) {
  let best = Infinity;
  let sink = 0;
  for (let round = 0; round < 4; round++) {
    let calls = 0;
    const start = cpuNs();
    let spent = 0;
    let batch = 16;
    while (spent < (seconds / 3) * 1e9) {
      for (let i = 0; i < batch; i++) sink += fn().length;
      calls += batch;
      const now = cpuNs() - start;
      if (now - spent < 20e6) batch *= 2; // batches grow until one takes 20 ms, as in ModelOutputRunner
      spent = now;
    }
    if (round > 0) best = Math.min(best, spent / calls);
  }
  if (sink < 0) console.log(sink);
  return best;
}

console.log('kind,name,ns_per_op,result');
for (const name of ['fenced', 'repairs', 'truncated', 'prose']) {
  const text = fs.readFileSync(path.join(dir, name + '.txt'), 'utf8');
  const result = check(text);
  const ns = measure(() => check(text));
  console.log(`check,${name},${ns.toFixed(0)},${result}`);
}

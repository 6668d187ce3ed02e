// Time SurveyJS's `new Model(json)` on each form named, as benchmarks/engine.py asks:
// node model.mjs REPEATS FORM.json... prints one line per form: its best time in ms.
// The best of REPEATS constructions in one process, so V8 has compiled the model's code.
import { readFileSync } from "node:fs";
import { Model } from "survey-core";

const repeats = Number(process.argv[2]);
for (const file of process.argv.slice(3)) {
  const json = JSON.parse(readFileSync(file, "utf8"));
  let best = Infinity;
  for (let run = 0; run < repeats; run++) {
    const start = process.hrtime.bigint();
    const model = new Model(json);
    const took = Number(process.hrtime.bigint() - start) / 1e6;
    if (model.getAllQuestions().length === 0) throw new Error(`${file}: no questions`);
    best = Math.min(best, took);
  }
  console.log(best.toFixed(3));
}

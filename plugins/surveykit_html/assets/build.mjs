// Compile the stylesheet and copy the scripts into ../static, where the plugin serves them from.
// Run by `npm run build` after `npm ci`; nothing here is fetched at run time.
import { compile } from "sass";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "static");
mkdirSync(out, { recursive: true });

const css = compile(join(here, "src", "surveykit.scss"), {
  loadPaths: [join(here, "node_modules")],
  style: "compressed",
  quietDeps: true,
});
writeFileSync(join(out, "surveykit.css"), css.css);

const govuk = join(here, "node_modules", "govuk-frontend", "dist", "govuk");
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
copyFileSync(join(here, "src", "surveykit.mjs"), join(out, "surveykit.mjs"));
console.log(`surveykit assets built into ${out}`);

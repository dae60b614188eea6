// Lints BPMN files as Camunda Modeler does (rules from modeler:executionPlatform/Version); exit 1 on any error.
import { readFileSync, readdirSync } from 'node:fs';
import { Linter } from '@camunda/linting';
const files = process.argv.length > 2 ? process.argv.slice(2) : readdirSync('bpmn').filter((f) => f.endsWith('.bpmn')).map((f) => `bpmn/${f}`);
const linter = new Linter({ modeler: 'desktop', type: 'cloud' }), count = { error: 0, warn: 0, info: 0 };
for (const file of files) { const xml = readFileSync(file, 'utf8'); if (!/executionPlatformVersion="/.test(xml)) { count.error++; console.log(`${file}: error definitions [execution-platform] no modeler:executionPlatformVersion, nothing would be checked`); }
  for (const r of await linter.lint(xml)) { count[r.category] = (count[r.category] || 0) + 1; console.log(`${file}: ${r.category} ${r.id} [${r.rule}] ${r.message}`); } }
console.log(`${files.length} file(s): ${count.error} error(s), ${count.warn} warning(s)`); process.exit(count.error ? 1 : 0);

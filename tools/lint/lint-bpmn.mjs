// Lints BPMN diagrams the way Camunda Modeler does: @camunda/linting with the rules for the
// modeler:executionPlatform / executionPlatformVersion on the definitions, plus the import
// warnings Modeler shows on opening. Prints every finding with its element id; exits 1 on an error.
// Usage: node tools/lint/dist/lint-bpmn.mjs [file.bpmn ...]   (default: every bpmn/*.bpmn)
import { readFileSync, readdirSync } from 'node:fs';
import { BpmnModdle } from 'bpmn-moddle';
import { Linter } from '@camunda/linting';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import modeler from 'modeler-moddle/resources/modeler.json' with { type: 'json' };

const files = process.argv.length > 2 ? process.argv.slice(2)
  : readdirSync('bpmn').filter((f) => f.endsWith('.bpmn')).sort().map((f) => `bpmn/${f}`);
const moddle = new BpmnModdle({ zeebe, modeler }), linter = new Linter({ modeler: 'desktop', type: 'cloud' });
const count = { error: 0, warn: 0 }, report = (file, category, id, rule, message) => {
  count[category] = (count[category] || 0) + 1; console.log(`${file}: ${category} ${id} [${rule}] ${message}`); };

for (const file of files) {
  const { rootElement: definitions, warnings } = await moddle.fromXML(readFileSync(file, 'utf8'));
  for (const w of warnings) { const [what, ...where] = w.message.split('\n\t');
    report(file, 'error', w.element?.id || where.filter((s) => /^(line|column)/.test(s)).join(' '), 'import', what); }
  if (!definitions.get('modeler:executionPlatformVersion')) report(file, 'error', definitions.id, 'execution-platform', 'no modeler:executionPlatform/Version: nothing would be checked');
  for (const r of await linter.lint(definitions)) report(file, r.category, r.id, r.rule, r.message);
}
console.log(`${files.length} file(s): ${count.error} error(s), ${count.warn} warning(s)`);
process.exit(count.error ? 1 : 0);

import assert from 'node:assert/strict';
import { fieldAccessor } from '../../src/event/field-path.js';
import type { FieldResolver, RuleRejection } from '../../src/rules/types.js';
import { compileRule, isRejection, parseRuleText, type CompileOptions, type CompiledRule, type SigmaFilter } from '../../src/rules/sigma/index.js';

/** The trivial resolver: a Sigma field name is read as a dotted path on the event. */
export const pathResolver: FieldResolver = {
  resolve: (field) => ({ paths: [field], accessor: fieldAccessor(field) }),
};

/** A rule document around a detection section (YAML text, indented by the caller as under `detection:`). */
export function ruleYaml(detection: string, extra = ''): string {
  const body = detection
    .trim()
    .split('\n')
    .map((l) => '    ' + l)
    .join('\n');
  return `title: Test rule
id: 5d0c2a8e-7a4b-4f7e-9a8c-1f2e3d4c5b6a
logsource:
    product: windows
    category: process_creation
${extra}detection:
${body}
`;
}

/** Parse and compile one rule; fails the test if it is rejected. */
export function compile(detection: string, opts: Partial<CompileOptions> = {}): CompiledRule {
  const r = parseRuleText(ruleYaml(detection), 'inline.yml');
  assert.deepEqual(r.rejections, [], 'rule should load');
  assert.equal(r.rules.length, 1);
  const c = compileRule(r.rules[0]!, { resolver: pathResolver, ...opts });
  if (isRejection(c)) assert.fail(`rule should compile: ${c.reason}`);
  return c;
}

/** The rejection for a detection that must not load or compile. */
export function rejection(detection: string, opts: Partial<CompileOptions> & { filters?: SigmaFilter[] } = {}): RuleRejection {
  const r = parseRuleText(ruleYaml(detection), 'inline.yml');
  if (r.rejections.length > 0) return r.rejections[0]!;
  const c = compileRule(r.rules[0]!, { resolver: pathResolver, ...opts });
  if (!isRejection(c)) assert.fail('expected a rejection, the rule compiled');
  return c;
}

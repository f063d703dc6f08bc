import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJson, decodeJsonRecords, MAX_JSON_DEPTH } from './json.js';
import type { DecodeResult } from './types.js';
import { fixtureLines } from '../../test/support/fixtures.js';
import { requireSharedData } from '../../test/support/shared-data.js';

function ok(r: DecodeResult, format: string): Record<string, unknown> {
  if (!r.ok) assert.fail(`expected success, got ${r.error.code}: ${r.error.message}`);
  assert.equal(r.value.format, format);
  return r.value.fields;
}

function errorCode(r: DecodeResult): string {
  if (r.ok) assert.fail(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error.code;
}

test('Winlogbeat document is recognized as winlogbeat-json (elastic/integrations windows)', () => {
  const [line] = fixtureLines('elastic-integrations', 'windows-powershell_operational-event.ndjson');
  const f = ok(decodeJson(line!), 'winlogbeat-json');
  assert.equal((f.winlog as { event_id: string }).event_id, '4105');
  assert.equal((f.winlog as { event_data: Record<string, string> }).event_data.ScriptBlockId, 'f4a378ab-b74f-41a7-a5ef-6dd55562fdb9');
});

test('evtx_dump JSON from the Sigma regression data is recognized as evtx-json', (t) => {
  const dir = requireSharedData('sigma', 'regression_data', 'rules', 'windows', 'process_creation');
  if (!dir) { t.skip('shared data not present'); return; }
  const files: string[] = [];
  const walk = (d: string) => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else if (n.endsWith('.json')) files.push(p); } };
  walk(dir);
  assert.ok(files.length > 5);
  let checked = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    let doc: unknown;
    try { doc = JSON.parse(text); } catch { continue; } // files with several documents are framing's job
    const f = ok(decodeJson(text), 'evtx-json');
    assert.deepEqual(f, doc);
    const system = (f.Event as { System: { Provider: { '#attributes': { Name: string } } } }).System;
    assert.equal(typeof system.Provider['#attributes'].Name, 'string');
    checked++;
  }
  assert.ok(checked > 5);
});

test('plain object, array of objects, array with one object', () => {
  assert.deepEqual(ok(decodeJson(' {"a":1,"b":[true,null]} '), 'json'), { a: 1, b: [true, null] });
  const many = decodeJsonRecords('[{"a":1},{"winlog":{"event_id":4624}},3]');
  assert.equal(many.length, 3);
  assert.deepEqual(ok(many[0]!, 'json'), { a: 1 });
  assert.equal(ok(many[1]!, 'winlogbeat-json').winlog !== undefined, true);
  assert.equal(errorCode(many[2]!), 'decode.json.not_object');
  assert.deepEqual(ok(decodeJson('[{"a":1}]'), 'json'), { a: 1 });
  assert.equal(errorCode(decodeJson('[{"a":1},{"a":2}]')), 'decode.json.multiple_records');
});

test('bad JSON: syntax, truncated, not an object, empty, deep nesting, invalid UTF-8', () => {
  assert.equal(errorCode(decodeJson('{"a":')), 'decode.json.syntax');
  assert.equal(errorCode(decodeJson('{"a":1}}')), 'decode.json.syntax');
  assert.equal(errorCode(decodeJson('"just a string"')), 'decode.json.not_object');
  assert.equal(errorCode(decodeJson('null')), 'decode.json.not_object');
  assert.equal(errorCode(decodeJson('   ')), 'decode.json.empty');
  assert.equal(errorCode(decodeJson('[]')), 'decode.json.empty');
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const r = decodeJson(deep);
  assert.equal(errorCode(r), 'decode.json.too_deep');
  assert.ok(!r.ok && r.error.message.includes(String(MAX_JSON_DEPTH)));
  // Exactly at the limit is fine; brackets inside strings do not count.
  const atLimit = `${'['.repeat(MAX_JSON_DEPTH - 1)}{"s":"${'['.repeat(1000)}"}${']'.repeat(MAX_JSON_DEPTH - 1)}`;
  assert.equal(decodeJsonRecords(atLimit).length, 1);
  const overLimit = `${'['.repeat(MAX_JSON_DEPTH)}{}${']'.repeat(MAX_JSON_DEPTH)}`;
  assert.equal(errorCode(decodeJson(overLimit)), 'decode.json.too_deep');
  // Too deep and also invalid (unclosed, or shorter than any valid text that deep): still too_deep,
  // not a syntax error, though the depth is now checked after parsing.
  assert.equal(errorCode(decodeJson('['.repeat(MAX_JSON_DEPTH + 1))), 'decode.json.too_deep');
  assert.equal(errorCode(decodeJson(`${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1`)), 'decode.json.too_deep');
  // One under the limit and unclosed: a syntax error.
  assert.equal(errorCode(decodeJson('['.repeat(MAX_JSON_DEPTH))), 'decode.json.syntax');
  // Many brackets but shallow: more than the limit in count is not depth.
  // Valid objects nested one past the limit in as few characters as JSON allows ({"": per level,
  // {} innermost): too_deep, though no '[' is in it; one level less is accepted.
  const objects = (depth: number): string => `${'{"":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
  assert.equal(objects(MAX_JSON_DEPTH + 1).length, 5 * MAX_JSON_DEPTH + 2);
  assert.equal(errorCode(decodeJson(objects(MAX_JSON_DEPTH + 1))), 'decode.json.too_deep');
  assert.ok(ok(decodeJson(objects(MAX_JSON_DEPTH)), 'json') !== undefined);
  assert.equal(errorCode(decodeJson(`${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`)), 'decode.json.too_deep');
  const wide = `{"a":[${Array.from({ length: MAX_JSON_DEPTH * 2 }, () => '{"b":[1]}').join(',')}]}`;
  assert.equal((ok(decodeJson(wide), 'json').a as unknown[]).length, MAX_JSON_DEPTH * 2);
  const bytes = Buffer.concat([Buffer.from('{"msg":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
  assert.deepEqual(ok(decodeJson(bytes), 'json'), { msg: '\ufffd\ufffd' });
});

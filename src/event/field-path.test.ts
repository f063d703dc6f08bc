import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFieldPath, fieldAccessor } from './field-path.js';

test('reads nested paths', () => {
  const get = compileFieldPath('process.parent.executable');
  assert.equal(get({ process: { parent: { executable: 'C:\\Windows\\explorer.exe' } } }), 'C:\\Windows\\explorer.exe');
  assert.equal(get({ process: { parent: {} } }), undefined);
  assert.equal(get({ process: 'not an object' }), undefined);
  assert.equal(get(null), undefined);
  assert.equal(get('string'), undefined);
});

test('resolves literal dotted keys at any depth', () => {
  const get = compileFieldPath('winlog.event_data.Image');
  assert.equal(get({ 'winlog.event_data.Image': 'a' }), 'a');
  assert.equal(get({ winlog: { 'event_data.Image': 'b' } }), 'b');
  assert.equal(get({ 'winlog.event_data': { Image: 'c' } }), 'c');
  // nested wins over literal when both exist
  assert.equal(get({ winlog: { event_data: { Image: 'd' } }, 'winlog.event_data.Image': 'e' }), 'd');
  // nested path present but leaf missing: falls back to the literal key
  assert.equal(get({ winlog: { event_data: {} }, 'winlog.event_data.Image': 'f' }), 'f');
});

test('single-segment paths and falsy values', () => {
  const get = compileFieldPath('count');
  assert.equal(get({ count: 0 }), 0);
  assert.equal(get({ count: '' }), '');
  assert.equal(get({ count: null }), null);
  assert.equal(get([{ count: 1 }]), undefined);
  assert.equal(compileFieldPath('a.b')({ a: { b: false } }), false);
});

test('traverses arrays of objects and flattens', () => {
  const get = compileFieldPath('threat.technique.id');
  assert.deepEqual(get({ threat: [{ technique: { id: ['T1059'] } }, { technique: { id: 'T1003' } }, {}] }), ['T1059', 'T1003']);
  assert.equal(get({ threat: [{}, {}] }), undefined);
  assert.deepEqual(compileFieldPath('related.ip')({ related: { ip: ['10.0.0.1', '10.0.0.2'] } }), ['10.0.0.1', '10.0.0.2']);
});

test('does not read the prototype chain as a field', () => {
  const get = compileFieldPath('constructor.name');
  assert.equal(get(Object.create(null)), undefined);
  assert.equal(get({}), undefined);
  assert.equal(compileFieldPath('toString')({}), undefined);
  assert.equal(compileFieldPath('a.hasOwnProperty')({ a: {} }), undefined);
  assert.equal(compileFieldPath('__proto__')(JSON.parse('{"__proto__": 1}')), 1);
  // Object.prototype itself is not the value of a `__proto__` field (a rule testing it with exists
  // would match every event).
  assert.equal(compileFieldPath('__proto__')({ a: 1 }), undefined);
  assert.equal(compileFieldPath('a.__proto__')({ a: { b: 1 } }), undefined);
  assert.equal(compileFieldPath('__proto__.a')({ a: 1 }), undefined);
  assert.deepEqual(compileFieldPath('a.__proto__')(JSON.parse('{"a": {"__proto__": {"x": 2}}}')), { x: 2 });
  assert.equal(compileFieldPath('a.__proto__.x')(JSON.parse('{"a.__proto__": {"x": 3}}')), 3);
});

test('accessors are cached per path and empty paths are refused', () => {
  assert.equal(fieldAccessor('a.b'), fieldAccessor('a.b'));
  assert.throws(() => compileFieldPath(''), /empty/);
});


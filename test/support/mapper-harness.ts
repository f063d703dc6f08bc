import assert from 'node:assert/strict';
import type { Decoded, WireFormat } from '../../src/decode/types.js';
import type { Mapper, MapperContext, MapResult } from '../../src/normalize/types.js';
import type { EcsFields } from '../../src/event/model.js';
import { fieldAccessor } from '../../src/event/field-path.js';

export const CTX: MapperContext = { sourceId: 'test', receivedAt: new Date('2024-05-01T10:00:00Z'), timezone: 'UTC' };

export function mapOk(mapper: Mapper, d: Decoded, ctx: MapperContext = CTX): EcsFields {
  const r = mapper.map(d, ctx);
  if (!r.ok) assert.fail(`expected ok, got ${r.reason}: ${r.message}`);
  return r.event;
}

export function expectFail(mapper: Mapper, d: Decoded, reason: string, ctx: MapperContext = CTX): void {
  let r: MapResult;
  try {
    r = mapper.map(d, ctx);
  } catch (e) {
    assert.fail(`${mapper.sourceType} threw on bad input: ${String(e)}`);
  }
  assert.equal(r.ok, false, `expected ${reason}, got an event`);
  if (!r.ok) {
    assert.equal(r.reason, reason);
    assert.ok(r.message.length > 0);
  }
}

/**
 * Values of the wrong type in every field of a good record, and a few hostile shapes: the mapper must
 * answer each with an event or a `normalize.<source>.*` failure, never an exception.
 */
export function assertNeverThrows(mapper: Mapper, good: Decoded): void {
  const garbage: unknown[] = [null, 0, -1, 1e308, Number.NaN, true, [], [1, 'x'], {}, { a: { b: 1 } }, '', 'x'.repeat(100_000), '\u0000\uFFFF', '%ASA-'];
  const formats: WireFormat[] = [good.format];
  const variants: Decoded[] = [{ format: good.format, fields: {} }];
  for (const key of Object.keys(good.fields)) {
    for (const g of garbage) variants.push({ format: good.format, fields: { ...good.fields, [key]: g } });
  }
  for (const fmt of formats) for (const g of garbage) variants.push({ format: fmt, fields: { message: g } as Record<string, unknown> });
  for (const v of variants) {
    let r: MapResult;
    try {
      r = mapper.map(v, CTX);
    } catch (e) {
      assert.fail(`${mapper.sourceType} threw on ${JSON.stringify(v).slice(0, 200)}: ${String(e)}`);
    }
    if (!r.ok) assert.match(r.reason, new RegExp(`^normalize\\.${mapper.sourceType}\\.[a-z_]+$`));
    else assert.equal(typeof r.event['@timestamp'], 'string');
  }
}

/** A mapper must not take more than a moment on a long line (no catastrophic regex backtracking). */
export function assertFastOnLongInput(mapper: Mapper, d: Decoded, budgetMs = 500): void {
  const t0 = performance.now();
  mapper.detect(d);
  mapper.map(d, CTX);
  const ms = performance.now() - t0;
  assert.ok(ms < budgetMs, `${mapper.sourceType} took ${ms.toFixed(0)} ms on a ${JSON.stringify(d.fields).length}-byte record`);
}

/** Read a dotted ECS path from a mapper's output (the event type is loose on purpose). */
export function at(doc: unknown, path: string): unknown {
  return fieldAccessor(path)(doc);
}

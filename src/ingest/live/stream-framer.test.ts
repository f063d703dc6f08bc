import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureLines } from '../../../test/support/fixtures.js';
import { rng } from '../../../test/support/rng.js';
import { decodeFramed, type FramedRecord } from '../framing.js';
import { StreamFramer, type StreamFraming } from './stream-framer.js';

const RFC5424 = fixtureLines('rfc', 'rfc5424-examples.log');
const AUTH = fixtureLines('linux', 'auth.log');

/** `MSG-LEN SP MSG` (RFC 6587 section 3.4.1). */
const octet = (lines: string[]): Buffer => Buffer.from(lines.map((l) => `${Buffer.byteLength(l)} ${l}`).join(''));

function frameAll(input: Buffer, mode: StreamFraming, chunkSizes: number[] | number, max?: number): { recs: FramedRecord[]; framer: StreamFramer } {
  const framer = new StreamFramer({ mode, ...(max !== undefined ? { maxRecordBytes: max } : {}) });
  const recs: FramedRecord[] = [];
  let pos = 0;
  let k = 0;
  while (pos < input.length) {
    const n = typeof chunkSizes === 'number' ? chunkSizes : (chunkSizes[k++ % chunkSizes.length] as number);
    recs.push(...framer.push(input.subarray(pos, pos + n)));
    pos += n;
  }
  recs.push(...framer.end());
  return { recs, framer };
}

test('LF framing: real auth.log lines, CRLF and blank lines, in any chunking', () => {
  const input = Buffer.from(`${AUTH.slice(0, 3).join('\n')}\r\n\n  \n${AUTH.slice(3).join('\n')}\n`);
  for (const size of [1, 2, 7, 64, input.length]) {
    const { recs, framer } = frameAll(input, 'lf', size);
    assert.deepEqual(recs.map((r) => r.text), AUTH, `chunk size ${size}`);
    assert.equal(recs[0]?.offset, 0);
    assert.equal(recs[0]?.line, 1);
    assert.equal(recs[3]?.line, 6, 'line numbers count the blank lines');
    assert.equal(recs[3]?.offset, input.indexOf(AUTH[3] as string));
    assert.equal(framer.consumed, input.length);
  }
});

test('LF framing: a last line without LF comes out only at the end; consumed stops before it', () => {
  const framer = new StreamFramer({ mode: 'lf' });
  const first = `${AUTH[0]}\n`;
  assert.deepEqual(framer.push(Buffer.from(`${first}${AUTH[1]}`)).map((r) => r.text), [AUTH[0]]);
  assert.equal(framer.consumed, Buffer.byteLength(first));
  assert.equal(framer.bufferedBytes, Buffer.byteLength(AUTH[1] as string));
  assert.deepEqual(framer.end().map((r) => r.text), [AUTH[1]]);
  assert.equal(framer.bufferedBytes, 0);
});

test('octet counting: real RFC 5424 messages, split at every byte', () => {
  const input = octet(RFC5424);
  const { recs } = frameAll(input, 'octet-counting', 1);
  assert.deepEqual(recs.map((r) => r.text), RFC5424);
  assert.deepEqual(recs.map((r) => r.line), [1, 2, 3, 4]);
  assert.ok(recs.every((r) => r.framingError === undefined && r.oversized === undefined));
  // Seeded random chunkings give the same frames.
  const rand = rng(7);
  for (let i = 0; i < 200; i++) {
    const sizes = Array.from({ length: 5 }, () => 1 + Math.floor(rand() * 90));
    assert.deepEqual(frameAll(input, 'octet-counting', sizes).recs.map((r) => r.text), RFC5424);
  }
});

test('octet counting: a frame holding an LF keeps it (the length decides, not the LF)', () => {
  const msg = '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - line one\nline two';
  const { recs } = frameAll(Buffer.from(`${Buffer.byteLength(msg)} ${msg}`), 'octet-counting', 5);
  assert.deepEqual(recs.map((r) => r.text), [msg]);
});

test('auto: digits and a space mean octet counting, anything else LF; decided across chunk borders', () => {
  const oct = octet(RFC5424);
  for (const split of [1, 2, 3, 4]) {
    const framer = new StreamFramer({ mode: 'auto' });
    const out = [...framer.push(oct.subarray(0, split))];
    assert.equal(framer.framing, split < 4 ? undefined : 'octet-counting', `split ${split}`);
    out.push(...framer.push(oct.subarray(split)), ...framer.end());
    assert.equal(framer.framing, 'octet-counting');
    assert.deepEqual(out.map((r) => r.text), RFC5424);
  }
  const lf = frameAll(Buffer.from(`${RFC5424.join('\n')}\n`), 'auto', 3);
  assert.equal(lf.framer.framing, 'lf');
  assert.deepEqual(lf.recs.map((r) => r.text), RFC5424);
  // A line that starts with digits but no space after them (a date) is LF framing.
  const dated = ['2024-03-01T10:00:00Z host app: started', '2024-03-01T10:00:01Z host app: stopped'];
  const d = frameAll(Buffer.from(dated.join('\n')), 'auto', 2);
  assert.equal(d.framer.framing, 'lf');
  assert.deepEqual(d.recs.map((r) => r.text), dated);
  // Eleven digits cannot be a length: LF.
  assert.equal(frameAll(Buffer.from('12345678901 x\n'), 'auto', 1).framer.framing, 'lf');
  // Only digits, then the end: one line.
  assert.deepEqual(frameAll(Buffer.from('\n\n12345'), 'auto', 1).recs.map((r) => [r.text, r.offset]), [['12345', 2]]);
});

test('octet counting: a bad length prefix is quarantined up to the next LF, then framing resynchronizes', () => {
  const good = RFC5424[0] as string;
  const bad = ['12x <34>1 bad', '0 <34>1 leading zero', 'abc', '12345678901 <34>1 eleven digits'];
  for (const b of bad) {
    const input = Buffer.concat([octet([good]), Buffer.from(`${b}\n`), octet([good])]);
    const { recs } = frameAll(input, 'octet-counting', 3);
    assert.deepEqual(recs.map((r) => [r.text, r.framingError?.code]), [[good, undefined], [b, 'decode.frame.bad_length'], [good, undefined]], b);
    assert.equal(recs[1]?.offset, Buffer.byteLength(`${Buffer.byteLength(good)} ${good}`));
    const d = decodeFramed(recs[1] as FramedRecord);
    assert.equal(d.length, 1);
    assert.equal(d[0]?.ok, false);
    if (d[0]?.ok === false) {
      assert.equal(d[0].error.code, 'decode.frame.bad_length');
      assert.match(d[0].error.message, /does not start with a length and a space/);
    }
  }
});

test('octet counting: an oversized frame is cut to the limit, the rest skipped, the next frame intact', () => {
  const big = `<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ${'x'.repeat(500)}`;
  const input = octet([big, RFC5424[1] as string]);
  const framer = new StreamFramer({ mode: 'octet-counting', maxRecordBytes: 128 });
  const recs: FramedRecord[] = [];
  let maxBuffered = 0;
  for (let i = 0; i < input.length; i += 10) {
    recs.push(...framer.push(input.subarray(i, i + 10)));
    maxBuffered = Math.max(maxBuffered, framer.bufferedBytes);
  }
  recs.push(...framer.end());
  assert.equal(recs.length, 2);
  assert.deepEqual({ ...recs[0] }, { text: big.slice(0, 128), offset: 0, line: 1, byteLength: Buffer.byteLength(big), oversized: true });
  assert.equal(recs[1]?.text, RFC5424[1]);
  assert.ok(maxBuffered <= 128, `held ${maxBuffered} bytes`);
  assert.equal(decodeFramed(recs[0] as FramedRecord)[0]?.ok, false);
});

test('octet counting: a stream cut mid-frame yields the partial frame as truncated', () => {
  const msg = RFC5424[2] as string;
  const full = `${Buffer.byteLength(msg)} ${msg}`;
  const cut = Buffer.from(full.slice(0, 50));
  const { recs } = frameAll(Buffer.concat([octet([RFC5424[0] as string]), cut]), 'octet-counting', 7);
  assert.equal(recs.length, 2);
  assert.equal(recs[1]?.text, full.slice(full.indexOf(' ') + 1, 50));
  assert.equal(recs[1]?.framingError?.code, 'decode.frame.truncated');
  assert.match(recs[1]?.framingError?.message ?? '', new RegExp(`\\(${50 - full.indexOf(' ') - 1} of ${Buffer.byteLength(msg)} bytes received\\)`));
  // Cut inside the length prefix.
  const inLen = frameAll(Buffer.from('12'), 'octet-counting', 1).recs;
  assert.deepEqual(inLen.map((r) => [r.text, r.framingError?.code]), [['12', 'decode.frame.truncated']]);
});

test('hostile streams: never throws, holds at most the limit, records in order and inside the stream', () => {
  const rand = rng(1234);
  const base = Buffer.concat([octet(RFC5424), Buffer.from(`${AUTH.join('\n')}\n`)]);
  const spice = [0x20, 0x0a, 0x0d, 0x30, 0x31, 0x39, 0x00, 0xff, 0x3c];
  for (let k = 0; k < 2000; k++) {
    const b = Buffer.from(base);
    for (let f = 0; f < 1 + Math.floor(rand() * 8); f++) b[Math.floor(rand() * b.length)] = spice[Math.floor(rand() * spice.length)] as number;
    const limit = 16 + Math.floor(rand() * 300);
    const mode = (['auto', 'lf', 'octet-counting'] as const)[k % 3] as StreamFraming;
    const framer = new StreamFramer({ mode, maxRecordBytes: limit });
    let end = 0;
    const check = (recs: FramedRecord[]): void => {
      for (const r of recs) {
        assert.ok(r.offset >= end, 'records overlap');
        assert.ok(r.offset + r.byteLength <= b.length, 'record runs past the stream');
        assert.ok(Buffer.byteLength(r.text) <= limit * 3, 'text beyond the limit');
        end = r.offset;
      }
    };
    const chunk = 1 + Math.floor(rand() * 200);
    for (let i = 0; i < b.length; i += chunk) {
      check(framer.push(b.subarray(i, i + chunk)));
      assert.ok(framer.bufferedBytes <= limit + 10, `buffered ${framer.bufferedBytes} > ${limit}`);
    }
    check(framer.end());
    assert.equal(framer.bufferedBytes, 0);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { once } from 'node:events';
import { parseConfig, ConfigError } from '../../config/load.js';
import { silentLogger } from '../../log/logger.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { fixtureLines } from '../../../test/support/fixtures.js';
import { makeTestCert, MemorySink, until } from '../../../test/support/live.js';
import { LiveSourceError, startLiveSources } from './index.js';
import { StoreRecordSink } from './store-sink.js';
import { SyslogStreamListener, type SyslogStreamListenerOptions } from './syslog-stream.js';
import { SyslogUdpListener } from './syslog-udp.js';

const AUTH = fixtureLines('linux', 'auth.log');
const RFC5424 = fixtureLines('rfc', 'rfc5424-examples.log');
const ASA = fixtureLines('cisco_asa', 'asa.log');
const octet = (lines: string[]): Buffer => Buffer.from(lines.map((l) => `${Buffer.byteLength(l)} ${l}`).join(''));
const T = { timeout: 30_000 };

function tcpListener(sink: MemorySink, over: Partial<SyslogStreamListenerOptions> = {}): SyslogStreamListener {
  return new SyslogStreamListener({
    id: 'syslog-test', host: '127.0.0.1', port: 0, framing: 'auto', maxConnections: 100, maxRecordBytes: 1024 * 1024, batchSize: 1000, logger: silentLogger, ...over,
  }, sink);
}

async function dial(port: number): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  await once(s, 'connect');
  return s;
}

async function send(s: Socket, data: Buffer | string): Promise<void> {
  await new Promise<void>((resolve, reject) => s.write(data, (err) => (err ? reject(err) : resolve())));
}

test('udp: one datagram is one record; trailing LF/NUL dropped; empty datagrams ignored; oversized flagged', T, async () => {
  const sink = new MemorySink();
  const l = new SyslogUdpListener({ id: 'udp-test', host: '127.0.0.1', port: 0, maxRecordBytes: 100, batchSize: 1000, queueRecords: 1000, queueBytes: 1 << 20, logger: silentLogger }, sink);
  await l.start();
  const client = createSocket('udp4');
  const lines = AUTH.slice(0, 6);
  const sendDgram = (m: string | Buffer): Promise<void> => new Promise((resolve, reject) => client.send(m, l.counters.port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  await sendDgram(`${lines[0]}\n`);
  await sendDgram(Buffer.from(`${lines[1]}\0`));
  await sendDgram('');
  for (const line of lines.slice(2)) await sendDgram(line);
  await until(() => l.counters.datagrams === 7, '7 datagrams');
  await until(() => sink.records.length === 6, '6 records');
  client.close();
  await l.close();
  const byText = new Map(sink.records.map((r) => [r.text, r]));
  for (const line of lines) {
    const r = byText.get(line.slice(0, 100));
    assert.ok(r, `missing ${line}`);
    assert.equal(r.byteLength, Buffer.byteLength(line));
    assert.equal(r.oversized, Buffer.byteLength(line) > 100 ? true : undefined);
  }
  assert.equal(l.counters.oversized, lines.filter((x) => Buffer.byteLength(x) > 100).length);
  assert.ok(l.counters.oversized > 0, 'the fixture has lines over 100 bytes');
  assert.equal(sink.batches[0]?.meta.sourceId, 'udp-test');
  assert.match(sink.batches[0]?.meta.remote ?? '', /^127\.0\.0\.1:\d+$/);
  assert.deepEqual({ records: l.counters.records, drops: l.counters.udpDrops, queued: l.counters.queuedRecords, queuedBytes: l.counters.queuedBytes }, { records: 6, drops: 0, queued: 0, queuedBytes: 0 });
});

test('udp: a slow sink fills the bounded queue; further datagrams are dropped and counted', T, async () => {
  const sink = new MemorySink();
  sink.hold();
  const l = new SyslogUdpListener({ id: 'udp-slow', host: '127.0.0.1', port: 0, maxRecordBytes: 4096, batchSize: 1000, queueRecords: 5, queueBytes: 1 << 20, logger: silentLogger }, sink);
  await l.start();
  const client = createSocket('udp4');
  for (let i = 0; i < 20; i++) {
    await new Promise<void>((resolve, reject) => client.send(`${AUTH[i % AUTH.length]} #${i}`, l.counters.port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }
  await until(() => l.counters.datagrams === 20, '20 datagrams');
  // The first datagram went straight to the (held) sink; four more fit the queue; the rest were dropped.
  assert.deepEqual({ queued: l.counters.queuedRecords, drops: l.counters.udpDrops, stored: sink.records.length }, { queued: 5, drops: 15, stored: 0 });
  sink.release();
  await until(() => sink.records.length === 5, '5 records');
  assert.deepEqual(sink.texts.map((t) => t.slice(t.lastIndexOf('#'))), ['#0', '#1', '#2', '#3', '#4']);
  client.close();
  await l.close();
  assert.deepEqual({ records: l.counters.records, queued: l.counters.queuedRecords, queuedBytes: l.counters.queuedBytes }, { records: 5, queued: 0, queuedBytes: 0 });
});

test('tcp: LF framing, real auth.log lines written in small pieces', T, async () => {
  const sink = new MemorySink();
  const l = tcpListener(sink);
  await l.start();
  const c = await dial(l.counters.port);
  const data = Buffer.from(`${AUTH.join('\r\n')}\n`);
  for (let i = 0; i < data.length; i += 37) await send(c, data.subarray(i, i + 37));
  c.end();
  await until(() => sink.records.length === AUTH.length, 'all lines');
  assert.deepEqual(sink.texts, AUTH);
  assert.ok(sink.batches.every((b) => b.meta.sourceId === 'syslog-test' && /^127\.0\.0\.1:\d+$/.test(b.meta.remote ?? '')));
  await until(() => l.counters.connectionsOpen === 0, 'connection closed');
  assert.deepEqual({ total: l.counters.connectionsTotal, bytes: l.counters.bytes, records: l.counters.records }, { total: 1, bytes: data.length, records: AUTH.length });
  await l.close();
});

test('tcp: octet counting with a frame split across TCP segments', T, async () => {
  const sink = new MemorySink();
  const l = tcpListener(sink);
  await l.start();
  const c = await dial(l.counters.port);
  const data = octet(RFC5424);
  // Cut inside the second frame's length prefix and inside the third frame's message; the server must
  // have read each piece before the next is sent, so they arrive as separate segments.
  const frame1 = `${Buffer.byteLength(RFC5424[0] as string)} ${RFC5424[0]}`;
  const cuts = [Buffer.byteLength(frame1) + 1, data.indexOf('evntslog') + 3, data.length];
  let from = 0;
  for (const to of cuts) {
    await send(c, data.subarray(from, to));
    await until(() => l.counters.bytes === to, `${to} bytes read`);
    from = to;
  }
  c.end();
  await until(() => sink.records.length === RFC5424.length, 'all frames');
  assert.deepEqual(sink.texts, RFC5424);
  await l.close();
});

test('tcp: bad length prefix, oversized frame and a connection cut mid-frame are quarantined, not lost', T, async () => {
  const sink = new MemorySink();
  const l = tcpListener(sink, { maxRecordBytes: 200 });
  await l.start();
  const good = ASA[0] as string;
  const big = `${ASA[1]} ${'pad '.repeat(100)}`;
  const last = ASA[2] as string;
  const lastFrame = `${Buffer.byteLength(last)} ${last}`;
  const c = await dial(l.counters.port);
  const data = Buffer.concat([octet([good]), Buffer.from('9x9 not a length\n'), octet([big, good]), Buffer.from(lastFrame.slice(0, 60))]);
  await send(c, data);
  await until(() => l.counters.bytes === data.length, 'all bytes read');
  c.end();
  await until(() => sink.records.length === 5, '5 records');
  const got = sink.records.map((r) => ({ text: r.text.slice(0, 40), oversized: r.oversized, code: r.framingError?.code }));
  assert.deepEqual(got, [
    { text: good.slice(0, 40), oversized: undefined, code: undefined },
    { text: '9x9 not a length', oversized: undefined, code: 'decode.frame.bad_length' },
    { text: big.slice(0, 40), oversized: true, code: undefined },
    { text: good.slice(0, 40), oversized: undefined, code: undefined },
    { text: last.slice(0, 60 - lastFrame.indexOf(' ') - 1).slice(0, 40), oversized: undefined, code: 'decode.frame.truncated' },
  ]);
  assert.equal(sink.records[2]?.byteLength, Buffer.byteLength(big));
  assert.deepEqual({ framingErrors: l.counters.framingErrors, oversized: l.counters.oversized, buffered: l.counters.bufferedBytes }, { framingErrors: 2, oversized: 1, buffered: 0 });
  await l.close();
});

test('tcp: a connection reset mid-frame keeps what was received (truncated)', T, async () => {
  const sink = new MemorySink();
  const l = tcpListener(sink, { framing: 'octet-counting' });
  await l.start();
  const c = await dial(l.counters.port);
  const partial = Buffer.from(`500 ${RFC5424[0]}`);
  await send(c, partial);
  await until(() => l.counters.bytes === partial.length, 'bytes read');
  c.resetAndDestroy();
  await until(() => sink.records.length === 1, 'the partial frame');
  assert.equal(sink.records[0]?.text, RFC5424[0]);
  assert.equal(sink.records[0]?.framingError?.code, 'decode.frame.truncated');
  await until(() => l.counters.connectionsOpen === 0, 'closed');
  await l.close();
});

test('tcp: a slow sink pauses the socket; the sender blocks and the listener holds a bounded number of bytes', T, async (t) => {
  const sink = new MemorySink();
  sink.hold();
  const l = tcpListener(sink);
  await l.start();
  const c = await dial(l.counters.port);
  const block = Buffer.from(`${AUTH.join('\n')}\n`.repeat(64));
  const linesPerBlock = AUTH.length * 64;
  let sent = 0;
  let blocks = 0;
  // Keep writing until 8 MiB wait in the sender's own buffer: only possible once the kernel's socket
  // buffers are full, i.e. once the server has stopped reading.
  while (c.writableLength < 8 * 1024 * 1024) {
    c.write(block);
    sent += block.length;
    blocks++;
    await new Promise((r) => setImmediate(r));
  }
  const read = l.counters.bytes;
  t.diagnostic(`sink held: sender wrote ${sent} bytes, server read ${read}, framer holds ${l.counters.bufferedBytes}`);
  assert.equal(sink.calls, 1, 'one write is pending; nothing else reached the sink');
  assert.ok(read < 1024 * 1024, `the server read ${read} bytes while the sink was held`);
  assert.ok(sent - read > 8 * 1024 * 1024, 'the rest is held back by TCP flow control');
  assert.ok(l.counters.bufferedBytes < block.length, `framer holds ${l.counters.bufferedBytes} bytes`);
  sink.release();
  c.end();
  await until(() => sink.records.length === blocks * linesPerBlock, 'every line');
  assert.equal(sink.texts.at(-1), AUTH.at(-1));
  assert.equal(l.counters.bytes, sent);
  await l.close();
});

test('tcp: connections over max_connections are refused and counted', T, async () => {
  const sink = new MemorySink();
  const l = tcpListener(sink, { maxConnections: 1 });
  await l.start();
  const a = await dial(l.counters.port);
  await until(() => l.counters.connectionsOpen === 1, 'first connection');
  const b = connect(l.counters.port, '127.0.0.1');
  b.on('error', () => undefined);
  await once(b, 'close');
  assert.deepEqual({ open: l.counters.connectionsOpen, total: l.counters.connectionsTotal, rejected: l.counters.connectionsRejected }, { open: 1, total: 1, rejected: 1 });
  await send(a, `${AUTH[0]}\n`);
  a.end();
  await until(() => sink.records.length === 1, 'the first connection still works');
  await l.close();
});

test('tcp: a failing sink is retried while the socket waits; nothing is lost', T, async () => {
  const sink = new MemorySink();
  sink.failNext(2);
  const l = tcpListener(sink);
  await l.start();
  const c = await dial(l.counters.port);
  await send(c, `${AUTH.join('\n')}\n`);
  c.end();
  await until(() => sink.records.length === AUTH.length, 'all lines');
  assert.deepEqual(sink.texts, AUTH);
  assert.equal(l.counters.writeErrors, 2);
  await l.close();
});

test('tls: octet-counted frames over TLS from the config; a plain-TCP client fails the handshake', T, async (t) => {
  const cert = makeTestCert();
  if (typeof cert === 'string') {
    t.skip(cert);
    return;
  }
  t.after(() => cert.cleanup());
  const config = parseConfig({
    data_dir: cert.dir,
    ingest: { listeners: [{ protocol: 'tls', id: 'tls-test', port: 0, source_type: 'syslog', tls: { cert: cert.cert, key: cert.key } }] },
  });
  const sink = new MemorySink();
  const live = await startLiveSources(config, sink, silentLogger);
  const addr = live.addresses()[0];
  assert.deepEqual({ ...addr, port: 0 }, { id: 'tls-test', protocol: 'tls', host: '127.0.0.1', port: 0 });
  const port = addr?.port as number;
  const c = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: cert.certPem });
  await once(c, 'secureConnect');
  assert.equal(c.authorized, true);
  const data = octet(RFC5424);
  c.write(data.subarray(0, 30));
  c.end(data.subarray(30));
  await until(() => sink.records.length === RFC5424.length, 'all frames');
  assert.deepEqual(sink.texts, RFC5424);
  assert.deepEqual(sink.batches.map((b) => [b.meta.sourceId, b.meta.sourceType]), sink.batches.map(() => ['tls-test', 'syslog']));
  const plain = await dial(port);
  plain.write(`${AUTH[0]}\n`);
  await once(plain, 'close');
  await until(() => (live.stats().listeners[0]?.tlsErrors ?? 0) === 1, 'handshake failure counted');
  await live.close();
  assert.equal(live.stats().listeners[0]?.records, RFC5424.length);
});

test('store sink end to end: syslog over TCP becomes ECS events; bad frames quarantined; resent records stored once', T, async () => {
  const store = new SqliteStore({ path: ':memory:' });
  await store.migrate();
  const sink = new StoreRecordSink(store, { timezone: 'UTC' });
  const config = parseConfig({ ingest: { listeners: [{ protocol: 'tcp', id: 'asa-fw', port: 0, source_type: 'cisco_asa' }] } });
  const live = await startLiveSources(config, sink, silentLogger);
  const port = live.addresses()[0]?.port as number;
  for (let round = 0; round < 2; round++) {
    const c = await dial(port);
    await send(c, Buffer.concat([octet(ASA), Buffer.from('7x oops\n')]));
    c.end();
    await until(() => sink.totals.records === (round + 1) * (ASA.length + 1), `round ${round}`);
  }
  await live.close();
  assert.equal(await store.countEvents(), ASA.length);
  assert.deepEqual({ ...sink.totals, quarantinedByReason: { ...sink.totals.quarantinedByReason } }, {
    records: 2 * (ASA.length + 1), events: 2 * ASA.length, stored: ASA.length, duplicates: ASA.length, quarantined: 2,
    quarantinedByReason: { 'decode.frame.bad_length': 2 },
  });
  const q = await store.listQuarantine({});
  assert.deepEqual(q.items.map((r) => [r.reason, Buffer.from(r.raw).toString('utf8'), r.sourceId]), [['decode.frame.bad_length', '7x oops', 'asa-fw']]);
  const ev = (await store.searchEvents({ sourceId: 'asa-fw' })).items;
  assert.deepEqual(ev.map((e) => e.event?.original).sort(), [...ASA].sort());
  assert.ok(ev.every((e) => e.weft.source_type === 'cisco_asa'));
  const sources = await store.listSources();
  assert.deepEqual(sources.map((s) => [s.id, s.events, s.quarantined]), [['asa-fw', 2 * ASA.length, 2]]);
  await store.close();
});

test('close(): stops accepting and waits for the pending write to finish', T, async () => {
  const sink = new MemorySink();
  const config = parseConfig({ ingest: { listeners: [{ protocol: 'tcp', port: 0 }, { protocol: 'udp', port: 0 }] } });
  const live = await startLiveSources(config, sink, silentLogger);
  const [tcp, udp] = live.addresses();
  assert.deepEqual([tcp?.id.replace(/\d+$/, 'P'), udp?.id.replace(/\d+$/, 'P')], ['syslog-tcp:127.0.0.1:P', 'syslog-udp:127.0.0.1:P']);
  sink.hold();
  const c = await dial(tcp?.port as number);
  await send(c, `${AUTH.join('\n')}\n`);
  await until(() => sink.calls === 1, 'a write pending');
  let closed = false;
  const closing = live.close().then(() => { closed = true; });
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  assert.equal(closed, false, 'close waits for the pending write');
  sink.release();
  await closing;
  assert.deepEqual(sink.texts, AUTH);
  // No longer accepting.
  const refused = connect(tcp?.port as number, '127.0.0.1');
  const [err] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
  assert.equal(err.code, 'ECONNREFUSED');
});

test('config: listener errors name the key; unknown source types and busy ports refuse to start', async () => {
  assert.throws(() => parseConfig({ ingest: { listeners: [{ protocol: 'tls', port: 6514 }] } }), (e: unknown) => e instanceof ConfigError && /'ingest\.listeners\.0\.tls': a tls listener needs tls\.cert and tls\.key/.test(e.message));
  assert.throws(() => parseConfig({ ingest: { listeners: [{ protocol: 'tcp', port: 70000 }] } }), (e: unknown) => e instanceof ConfigError && /'ingest\.listeners\.0\.port'/.test(e.message));
  assert.throws(() => parseConfig({ ingest: { listeners: [{ protocol: 'sctp' }] } }), (e: unknown) => e instanceof ConfigError && /'ingest\.listeners\.0\.protocol'/.test(e.message));
  assert.throws(() => parseConfig({ ingest: { tail: [{ paths: [], poll_interval: 'soon' }] } }), (e: unknown) => e instanceof ConfigError && /ingest\.tail\.0\.paths/.test(e.message) && /ingest\.tail\.0\.poll_interval/.test(e.message));
  assert.throws(() => parseConfig({ ingest: { listeners: [{ protocol: 'udp', format: 'xml' }] } }), (e: unknown) => e instanceof ConfigError && /'ingest\.listeners\.0\.format'/.test(e.message));
  const defaults = parseConfig({});
  assert.deepEqual([defaults.ingest.listeners, defaults.ingest.tail], [[], []]);
  assert.throws(() => parseConfig({ ingest: { listeners: [{ protocol: 'udp', port: 0, source_type: 'nope' }] } }), (e: unknown) => e instanceof ConfigError && /'ingest\.listeners\.0\.source_type': unknown source type; one of /.test(e.message));
  assert.throws(() => parseConfig({ ingest: { tail: [{ paths: ['/x'], source_type: 'nope' }] } }), (e: unknown) => e instanceof ConfigError && /'ingest\.tail\.0\.source_type': unknown source type/.test(e.message));
  const first = await startLiveSources(parseConfig({ ingest: { listeners: [{ protocol: 'tcp', port: 0 }] } }), new MemorySink(), silentLogger);
  const port = first.addresses()[0]?.port as number;
  await assert.rejects(startLiveSources(parseConfig({ ingest: { listeners: [{ protocol: 'udp', port: 0 }, { protocol: 'tcp', port }] } }), new MemorySink(), silentLogger),
    (e: unknown) => e instanceof LiveSourceError && new RegExp(`syslog-tcp:127\\.0\\.0\\.1:${port}: cannot listen: EADDRINUSE`).test(e.message));
  await first.close();
});

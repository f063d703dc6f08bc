import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Alert } from '../types.js';
import { cefLine, ForwardError, parseSyslogTarget, postWebhook, sendSyslog, signBody, syslogCef } from './forward.js';
import { alertLine, ecsAlert, ocsfDetectionFinding } from './records.js';

const ALERT: Alert = {
  id: '5f1c0ffee5f1c0ffee5f1c0ffee5f1c0', kind: 'match',
  rule: { id: 'rule|with|pipes', version: '0123456789abcdef', title: 'LSASS Dump With comsvcs.dll MiniDump', level: 'critical', tags: ['attack.credential-access', 'attack.t1003.001'] },
  dedup_key: 'rule|host.name=ws-1', group: { 'host.name': 'ws-1', 'user.name': 'uma' },
  entities: { user: ['uma'], host: ['ws-1'], ip: ['10.20.0.28'], keys: ['user:uma'] },
  events: ['e1', 'e2'], sources: ['windows'], source_ids: ['ws-1.evtx'], count: 2,
  first_time: '2026-03-10T10:06:00.000Z', last_time: '2026-03-10T10:07:00.000Z', '@timestamp': '2026-03-10T10:06:00.000Z',
  score: 92, severity: 'critical',
  threat: {
    framework: 'MITRE ATT&CK',
    tactic: { id: ['TA0006'], name: ['Credential Access'], reference: ['https://attack.mitre.org/tactics/TA0006/'] },
    technique: { id: ['T1003'], name: ['OS Credential Dumping'], reference: ['https://attack.mitre.org/techniques/T1003/'], subtechnique: { id: ['T1003.001'], name: ['LSASS Memory'], reference: ['https://attack.mitre.org/techniques/T1003/001/'] } },
  },
  explanation: { selections: ['selection'], contributions: [{ factor: 'rule_level', points: 80, reason: 'rule level critical' }, { factor: 'rarity', points: 12, reason: 'msg=with = and\nnewline' }] },
  status: 'open', incident_id: 'inc-1',
};

describe('alert documents', () => {
  it('jsonl line: score, severity and ECS threat.* at the top level', () => {
    const l = alertLine(ALERT);
    assert.equal(l.score, 92);
    assert.equal(l.severity, 'critical');
    assert.deepEqual((l.threat as Alert['threat']).technique?.subtechnique?.id, ['T1003.001']);
    assert.deepEqual(l.match, { selections: ['selection'] });
  });

  it('ECS alert: event.kind alert, numeric event.severity, risk_score, rule and related', () => {
    const d = ecsAlert(ALERT) as { event: Record<string, unknown>; rule: Record<string, unknown>; related: Record<string, unknown>; threat: unknown };
    assert.deepEqual([d.event.kind, d.event.severity, d.event.risk_score, d.event.start, d.event.end], ['alert', 4, 92, ALERT.first_time, ALERT.last_time]);
    assert.deepEqual(d.rule, { id: 'rule|with|pipes', uuid: 'rule|with|pipes', name: ALERT.rule.title, version: '0123456789abcdef', ruleset: 'weft' });
    assert.deepEqual(d.related, { user: ['uma'], hosts: ['ws-1'], ip: ['10.20.0.28'] });
    assert.deepEqual(d.threat, ALERT.threat);
  });

  it('OCSF Detection Finding: class 2004, an update after deduplication, ATT&CK in finding_info.attacks', () => {
    const f = ocsfDetectionFinding(ALERT, '0.1.0') as Record<string, unknown> & { finding_info: Record<string, unknown> };
    assert.deepEqual([f.category_uid, f.class_uid, f.activity_id, f.type_uid, f.severity_id, f.severity, f.status_id, f.risk_score, f.count],
      [2, 2004, 2, 200402, 5, 'Critical', 1, 92, 2]);
    assert.equal(f.time, Date.parse(ALERT['@timestamp']));
    assert.deepEqual(f.finding_info.analytic, { uid: 'rule|with|pipes', name: ALERT.rule.title, version: '0123456789abcdef', type_id: 1, type: 'Rule' });
    assert.deepEqual(f.finding_info.attacks, [
      { technique: { uid: 'T1003', name: 'OS Credential Dumping' }, tactic: { uid: 'TA0006', name: 'Credential Access' }, tactics: [{ uid: 'TA0006', name: 'Credential Access' }], version: 'enterprise' },
      { sub_technique: { uid: 'T1003.001', name: 'LSASS Memory' }, technique: { uid: 'T1003' }, tactic: { uid: 'TA0006', name: 'Credential Access' }, tactics: [{ uid: 'TA0006', name: 'Credential Access' }], version: 'enterprise' },
    ]);
    assert.deepEqual(f.finding_info.related_events, [{ uid: 'e1' }, { uid: 'e2' }]);
  });
});

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { s += c; });
    req.on('end', () => resolve(s));
  });
}

describe('webhook', () => {
  it('POSTs the alert with an HMAC-SHA256 signature a receiver can verify; a 5xx is retried once, a 4xx is an error', async () => {
    const secret = 'a-webhook-secret-of-some-length';
    const received: Array<{ body: string; sig: string; delivery: string }> = [];
    let fail = 1;
    const server = createHttpServer((req, res) => {
      void readBody(req).then((body) => {
        if (req.url === '/reject') { res.statusCode = 403; res.end(); return; }
        if (fail-- > 0) { res.statusCode = 503; res.end(); return; }
        received.push({ body, sig: String(req.headers['x-weft-signature-256']), delivery: String(req.headers['x-weft-delivery']) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await postWebhook(ALERT, { url: `${url}/hook`, secret, timeoutMs: 5000, render: ecsAlert });
      assert.equal(received.length, 1);
      const got = received[0]!;
      // What a receiver does: recompute the HMAC over the raw body and compare in constant time.
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(got.body).digest('hex')}`);
      assert.ok(timingSafeEqual(Buffer.from(got.sig), expected));
      assert.equal(got.sig, signBody(secret, JSON.stringify(ecsAlert(ALERT))));
      assert.notEqual(got.sig, signBody('another-secret-entirely-xx', got.body));
      assert.equal(got.delivery, ALERT.id);
      assert.equal((JSON.parse(got.body) as { event: { risk_score: number } }).event.risk_score, 92);
      await assert.rejects(postWebhook(ALERT, { url: `${url}/reject`, secret, timeoutMs: 5000, render: ecsAlert }), (e: unknown) => e instanceof ForwardError && /HTTP 403/.test(e.message));
    } finally {
      server.close();
    }
    await assert.rejects(postWebhook(ALERT, { url: 'http://127.0.0.1:9/', secret, timeoutMs: 2000, render: ecsAlert }), ForwardError);
  });
});

describe('syslog / CEF', () => {
  it('escapes CEF header and extension values', () => {
    const l = cefLine(ALERT, '0.1.0');
    assert.ok(l.startsWith('CEF:0|Weft|Weft|0.1.0|rule\\|with\\|pipes|LSASS Dump With comsvcs.dll MiniDump|10|rt=1773137160000 '), l);
    assert.match(l, / cs2Label=tactics cs2=Credential Access cs3Label=techniques cs3=T1003,T1003.001 /);
    assert.match(l, / suser=uma dhost=ws-1 src=10\.20\.0\.28 /);
    const hostile = cefLine({ ...ALERT, rule: { ...ALERT.rule, title: 'a\nb|c\\d' }, entities: { ...ALERT.entities, user: ['x=y\nz'] } }, '1');
    assert.ok(hostile.includes('|a b\\|c\\\\d|'));
    assert.ok(hostile.includes('suser=x\\=y\\nz '));
    assert.equal(hostile.split('\n').length, 1);
  });

  it('sends one datagram per alert over UDP and newline-framed lines over TCP', async () => {
    const udp = createSocket('udp4');
    const datagrams: string[] = [];
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    const got = new Promise<void>((resolve) => udp.on('message', (m) => { datagrams.push(m.toString('utf8')); if (datagrams.length === 2) resolve(); }));
    const line = syslogCef(ALERT, '0.1.0', 'weft-host');
    await sendSyslog([line, line], parseSyslogTarget(`udp://127.0.0.1:${udp.address().port}`));
    await got;
    udp.close();
    assert.deepEqual(datagrams, [line, line]);
    assert.ok(line.startsWith('<162>1 2026-03-10T10:06:00.000Z weft-host weft - alert - CEF:0|Weft|'));

    let tcpData = '';
    const done = new Promise<void>((resolve) => {
      const srv = createTcpServer((s) => {
        s.setEncoding('utf8');
        s.on('data', (c: string) => { tcpData += c; });
        s.on('end', () => { srv.close(); resolve(); });
      });
      srv.listen(0, '127.0.0.1', () => {
        void sendSyslog([line, line], parseSyslogTarget(`tcp://127.0.0.1:${(srv.address() as AddressInfo).port}`));
      });
    });
    await done;
    assert.equal(tcpData, `${line}\n${line}\n`);
    await assert.rejects(sendSyslog([line], { protocol: 'tcp', host: '127.0.0.1', port: 9 }), ForwardError);
    assert.throws(() => parseSyslogTarget('http://x:1'), /not udp:\/\/host:port/);
    assert.throws(() => parseSyslogTarget('udp://x:70000'), ForwardError);
  });
});

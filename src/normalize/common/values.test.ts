import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { communityId, communityIdOfV4 } from './community-id.js';
import { EventDoc } from './doc.js';
import { domainParts } from './domain.js';
import { compact, ip, ipv4Value } from './values.js';

/** Deterministic pseudo-random integers (xorshift), so a failure can be reproduced. */
function rng(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

test('ipv4Value accepts exactly what isIPv4 accepts, and returns the address as a number', () => {
  for (const s of ['0.0.0.0', '255.255.255.255', '10.1.2.3']) assert.ok(ipv4Value(s) >= 0, s);
  assert.equal(ipv4Value('10.1.2.3'), 0x0a010203);
  assert.equal(ipv4Value('255.255.255.255'), 0xffffffff);
  for (const s of ['01.2.3.4', '1.2.3.04', '256.1.1.1', '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.4x', '', '::1', '1.2.3.1000', '١.٢.٣.٤']) {
    assert.equal(ipv4Value(s), -1, s);
  }
  const r = rng(11);
  const alphabet = '0123456789..0125x: ';
  for (let i = 0; i < 200_000; i++) {
    let s = '';
    const len = 1 + r(16);
    for (let k = 0; k < len; k++) s += alphabet[r(alphabet.length)];
    assert.equal(ipv4Value(s) >= 0, isIPv4(s), s);
  }
  assert.equal(ip('10.0.0.1'), '10.0.0.1');
  assert.equal(ip('fe80::1'), 'fe80::1');
  assert.equal(ip('10.0.0.01'), undefined);
  for (const v6 of ['::', '::1', 'fe80::1%eth0', '::ffff:10.1.2.3', '2001:db8::1']) assert.equal(ip(v6), v6);
  for (const junk of ['signin.amazonaws.com', 'AWS Internal', '1:2', ':::', '-', '']) assert.equal(ip(junk), undefined, junk);
});

/** Community ID v1 for IPv4, written straight from the spec, to check the allocation-free path against. */
function referenceCommunityId(proto: number, sip: string, sport: number, dip: string, dport: number): string {
  const sa = Buffer.from(sip.split('.').map(Number));
  const da = Buffer.from(dip.split('.').map(Number));
  const swap = Buffer.compare(sa, da) > 0 || (Buffer.compare(sa, da) === 0 && sport > dport);
  const [a, b, pa, pb] = swap ? [da, sa, dport, sport] : [sa, da, sport, dport];
  const tail = Buffer.alloc(6);
  tail[0] = proto;
  tail.writeUInt16BE(pa, 2);
  tail.writeUInt16BE(pb, 4);
  return `1:${createHash('sha1').update(Buffer.alloc(2)).update(a).update(b).update(tail).digest('base64')}`;
}

test('communityId over IPv4 agrees with the spec computed byte by byte, in both directions', () => {
  const r = rng(5);
  const addr = (): string => (r(4) === 0 ? '10.0.0.1' : `${r(256)}.${r(256)}.${r(256)}.${r(256)}`);
  for (let i = 0; i < 20_000; i++) {
    const [t, proto] = r(2) === 0 ? ['tcp', 6] as const : ['udp', 17] as const;
    const s = addr();
    const d = addr();
    const sp = r(4) === 0 ? 80 : r(65536);
    const dp = r(4) === 0 ? 80 : r(65536);
    const want = referenceCommunityId(proto, s, sp, d, dp);
    assert.equal(communityId(t, s, sp, d, dp), want);
    assert.equal(communityId(t.toUpperCase(), d, dp, s, sp), want);
    assert.equal(communityIdOfV4(t, ipv4Value(s), sp, ipv4Value(d), dp), want);
  }
  // ICMP: echo request and reply hash alike; a type without a pair is one-way (ports as given).
  assert.equal(communityId('icmp', '192.168.0.89', 8, '192.168.0.1', 0), communityId('icmp', '192.168.0.1', 0, '192.168.0.89', 8));
  assert.equal(communityId('icmp', '192.168.0.1', 3, '192.168.0.89', 1), referenceCommunityId(1, '192.168.0.1', 3, '192.168.0.89', 1));
  assert.notEqual(communityId('icmp', '192.168.0.89', 3, '192.168.0.1', 1), communityId('icmp', '192.168.0.1', 3, '192.168.0.89', 1));
  // Mixed families and missing ports have no community ID.
  assert.equal(communityId('tcp', '10.0.0.1', 1, '::1', 2), undefined);
  assert.equal(communityId('tcp', '10.0.0.1', undefined, '10.0.0.2', 2), undefined);
  // Unknown protocols have none, including names of Object.prototype's members.
  for (const t of ['gre', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '']) {
    assert.equal(communityId(t, '10.0.0.1', 1, '10.0.0.2', 2), undefined, t);
    assert.equal(communityIdOfV4(t, 1, 1, 2, 2), undefined, t);
  }
});

test('domainParts: cached answers are the same, frozen, and hostile names only cycle the cache', () => {
  const a = domainParts('www.example.co.uk');
  assert.deepEqual(a, { registered_domain: 'example.co.uk', subdomain: 'www', top_level_domain: 'co.uk' });
  assert.equal(domainParts('www.example.co.uk'), a);
  assert.ok(Object.isFrozen(a));
  assert.deepEqual(domainParts('10.0.0.1'), {});
  for (let i = 0; i < 20_000; i++) domainParts(`h${i}.example.org`);
  assert.deepEqual(domainParts('www.example.co.uk'), a);
});

test('compact drops null and undefined members at every depth, keeps order, shares untouched subtrees', () => {
  const clean = { x: 1, y: [1, null, { z: 2 }] };
  const v = JSON.parse('{"a":1,"b":null,"c":{"d":null,"e":[{"f":null,"g":2}],"h":"x"},"i":[null],"k":{"l":1}}') as Record<string, unknown>;
  v.clean = clean;
  const out = compact(v) as Record<string, unknown>;
  assert.equal(JSON.stringify(out), '{"a":1,"c":{"e":[{"g":2}],"h":"x"},"i":[null],"k":{"l":1},"clean":{"x":1,"y":[1,null,{"z":2}]}}');
  assert.equal(out.clean, clean);
  assert.equal(out.k, v.k);
  assert.equal(compact(clean), clean);
  assert.equal(compact(null), null);
  assert.equal(compact('s'), 's');
});

test('EventDoc.put and get with a "__proto__" part: own keys, and Object.prototype is never written', () => {
  const doc = new EventDoc();
  doc.put(['__proto__', 'polluted'], 'yes');
  doc.put(['labels', '__proto__'], { x: 1 });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(JSON.stringify(doc.root), '{"__proto__":{"polluted":"yes"},"labels":{"__proto__":{"x":1}}}');
  assert.equal(Object.getPrototypeOf(doc.root.labels), Object.prototype);
  assert.deepEqual(doc.get(['__proto__', 'polluted']), 'yes');
  // Inherited members are not fields.
  assert.equal(new EventDoc().get(['constructor']), undefined);
  assert.equal(new EventDoc().get(['__proto__']), undefined);
});

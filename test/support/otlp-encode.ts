/**
 * A minimal protobuf encoder for OTLP ExportLogsServiceRequest, used only by tests to turn the
 * OTLP/JSON example into its binary form (opentelemetry-proto ships no binary logs example).
 */

type Json = Record<string, unknown>;

class Writer {
  private bytes: number[] = [];

  varint(v: number | bigint): this {
    let n = BigInt.asUintN(64, BigInt(v));
    while (n >= 0x80n) {
      this.bytes.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.bytes.push(Number(n));
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  fixed64(field: number, v: bigint): this {
    this.tag(field, 1);
    for (let i = 0; i < 8; i++) this.bytes.push(Number((v >> BigInt(8 * i)) & 0xffn));
    return this;
  }

  double(field: number, v: number): this {
    this.tag(field, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.bytes.push(...b);
    return this;
  }

  bytesField(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(data.length);
    this.bytes.push(...data);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytesField(field, Buffer.from(s, 'utf8'));
  }

  message(field: number, w: Writer): this {
    return this.bytesField(field, w.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function anyValue(v: Json): Writer {
  const w = new Writer();
  if ('stringValue' in v) w.string(1, String(v.stringValue));
  else if ('boolValue' in v) w.tag(2, 0).varint(v.boolValue ? 1 : 0);
  else if ('intValue' in v) w.tag(3, 0).varint(BigInt(v.intValue as number | string));
  else if ('doubleValue' in v) w.double(4, Number(v.doubleValue));
  else if ('arrayValue' in v) {
    const arr = new Writer();
    for (const x of ((v.arrayValue as Json).values as Json[])) arr.message(1, anyValue(x));
    w.message(5, arr);
  } else if ('kvlistValue' in v) {
    const kv = new Writer();
    for (const x of ((v.kvlistValue as Json).values as Json[])) kv.message(1, keyValue(x));
    w.message(6, kv);
  }
  return w;
}

function keyValue(kv: Json): Writer {
  return new Writer().string(1, String(kv.key)).message(2, anyValue(kv.value as Json));
}

export function encodeLogsRequest(req: Json): Uint8Array {
  const top = new Writer();
  for (const rl of req.resourceLogs as Json[]) {
    const rlw = new Writer();
    const res = new Writer();
    for (const a of (((rl.resource as Json).attributes as Json[]) ?? [])) res.message(1, keyValue(a));
    rlw.message(1, res);
    for (const sl of rl.scopeLogs as Json[]) {
      const slw = new Writer();
      const scope = sl.scope as Json;
      const sw = new Writer().string(1, String(scope.name)).string(2, String(scope.version));
      for (const a of (scope.attributes as Json[]) ?? []) sw.message(3, keyValue(a));
      slw.message(1, sw);
      for (const r of sl.logRecords as Json[]) {
        const lw = new Writer();
        lw.fixed64(1, BigInt(r.timeUnixNano as number));
        lw.string(3, String(r.severityText));
        lw.message(5, anyValue(r.body as Json));
        for (const a of r.attributes as Json[]) lw.message(6, keyValue(a));
        lw.bytesField(9, Buffer.from(String(r.traceId), 'hex'));
        lw.bytesField(10, Buffer.from(String(r.spanId), 'hex'));
        lw.fixed64(11, BigInt(r.observedTimeUnixNano as number));
        slw.message(2, lw);
      }
      rlw.message(2, slw);
    }
    top.message(1, rlw);
  }
  return top.finish();
}

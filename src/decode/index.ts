export type * from './types.js';
export { decodeRfc3164, parseRfc3164 } from './syslog-rfc3164.js';
export { decodeRfc5424, parseRfc5424 } from './syslog-rfc5424.js';
export { decodeCef } from './cef.js';
export { decodeLeef } from './leef.js';
export { decodeJson, decodeJsonRecords, MAX_JSON_DEPTH } from './json.js';
export { decodeKv } from './kv.js';
export { decodeOtlpJson, splitOtlpJson } from './otlp.js';
export { decodeOtlpProtobuf, splitOtlpProtobuf } from './otlp-protobuf.js';
export { decodeText } from './plain-text.js';
export type { OtlpLogFields } from './otlp-model.js';
export {
  decodeRecord, decodeRecords, detectFormat, sniffFormat, DEFAULT_MAX_RECORD_BYTES, type DecodeRecordOptions,
} from './detect.js';

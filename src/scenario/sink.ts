/**
 * Collects records as the generator produces them (in any order), then lays each file out in time
 * order the way its source writes it and records where every record landed and its event id.
 */
import { eventId } from '../event/event-id.js';
import { renderEvtx, type EvtxDraft } from './evtx.js';
import type { FileTruth, RecordMarker, ScenarioFile } from './types.js';

/** Which story step a record belongs to; absent for benign records. */
export interface Tag {
  story: string;
  step: string;
}

interface LineDraft { kind: 'line'; at: number; seq: number; text: string; tag?: Tag }
interface EvtxEntry { kind: 'evtx'; at: number; seq: number; draft: EvtxDraft; tag?: Tag }
interface JsonDraft { kind: 'record'; at: number; seq: number; text: string; tag?: Tag }
type Draft = LineDraft | EvtxEntry | JsonDraft;

type Layout = 'lines' | 'evtx' | 'cloudtrail';

interface FileSpec {
  layout: Layout;
  format: FileTruth['format'];
  sourceType: FileTruth['sourceType'];
  drafts: Draft[];
}

export interface PlacedRecord {
  marker: RecordMarker;
  at: number;
  tag?: Tag;
}

export interface SinkOutput {
  files: ScenarioFile[];
  fileTruth: FileTruth[];
  records: PlacedRecord[];
}

export class Sink {
  private readonly specs = new Map<string, FileSpec>();
  private seq = 0;

  constructor(private readonly window: { start: number; end: number }) {}

  declare(path: string, layout: Layout, format: FileTruth['format'], sourceType: FileTruth['sourceType']): void {
    this.specs.set(path, { layout, format, sourceType, drafts: [] });
  }

  private spec(path: string, layout: Layout): FileSpec {
    const s = this.specs.get(path);
    if (s === undefined || s.layout !== layout) throw new Error(`scenario file ${path} is not declared as ${layout}`);
    return s;
  }

  private inWindow(at: number, what: string): void {
    if (!(at >= this.window.start && at < this.window.end)) throw new RangeError(`${what} at ${new Date(at).toISOString()} is outside the scenario day`);
  }

  line(path: string, at: number, text: string, tag?: Tag): void {
    this.inWindow(at, path);
    const d: LineDraft = { kind: 'line', at, seq: this.seq++, text };
    if (tag !== undefined) d.tag = tag;
    this.spec(path, 'lines').drafts.push(d);
  }

  evtx(path: string, draft: EvtxDraft, tag?: Tag): void {
    this.inWindow(draft.at, path);
    const d: EvtxEntry = { kind: 'evtx', at: draft.at, seq: this.seq++, draft };
    if (tag !== undefined) d.tag = tag;
    this.spec(path, 'evtx').drafts.push(d);
  }

  /** One CloudTrail record; `path` is the hourly file it is delivered in. */
  cloudtrail(path: string, at: number, record: Record<string, unknown>, tag?: Tag): void {
    this.inWindow(at, path);
    const d: JsonDraft = { kind: 'record', at, seq: this.seq++, text: JSON.stringify(record) };
    if (tag !== undefined) d.tag = tag;
    this.spec(path, 'cloudtrail').drafts.push(d);
  }

  build(): SinkOutput {
    const files: ScenarioFile[] = [];
    const fileTruth: FileTruth[] = [];
    const records: PlacedRecord[] = [];
    const paths = [...this.specs.keys()].sort();
    for (const path of paths) {
      const spec = this.specs.get(path) as FileSpec;
      if (spec.drafts.length === 0) continue;
      const drafts = [...spec.drafts].sort((a, b) => a.at - b.at || a.seq - b.seq);
      const parts: string[] = [];
      const place = (d: Draft, raw: string, line: number, index?: number): void => {
        const marker: RecordMarker = { file: path, line, eventId: eventId(path, raw) };
        if (index !== undefined) marker.index = index;
        const r: PlacedRecord = { marker, at: d.at };
        if (d.tag !== undefined) r.tag = d.tag;
        records.push(r);
      };
      if (spec.layout === 'lines') {
        drafts.forEach((d, i) => {
          const text = (d as LineDraft).text;
          parts.push(text);
          place(d, text, i + 1);
        });
        files.push({ path, content: parts.join('\n') + '\n' });
      } else if (spec.layout === 'evtx') {
        // EventRecordID counts per computer and channel, in time order, as each host's log does.
        const counters = new Map<string, number>();
        let line = 1;
        for (const d of drafts) {
          const e = (d as EvtxEntry).draft;
          const key = `${e.computer}\u0000${e.channel}`;
          const id = (counters.get(key) ?? seedRecordId(e.computer, e.channel)) + 1;
          counters.set(key, id);
          const text = renderEvtx(e, id);
          parts.push(text);
          place(d, text, line);
          line += countNewlines(text) + 1;
        }
        files.push({ path, content: parts.join('\n') + '\n' });
      } else {
        drafts.forEach((d, i) => {
          const text = (d as JsonDraft).text;
          parts.push(text);
          place(d, text, i + 2, i);
        });
        files.push({ path, content: '{"Records":[\n' + parts.join(',\n') + '\n]}\n' });
      }
      fileTruth.push({ path, format: spec.format, sourceType: spec.sourceType, records: drafts.length });
    }
    return { files, fileTruth, records };
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Logs that have been running for a while: record ids start at a host-specific offset. */
function seedRecordId(computer: string, channel: string): number {
  let h = 7;
  for (const c of computer + channel) h = (h * 31 + c.charCodeAt(0)) % 900_000;
  return 100_000 + h;
}

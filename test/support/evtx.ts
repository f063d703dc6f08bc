/**
 * Reading SigmaHQ regression events (evtx_dump JSON: `{"Event": {"System": ..., "EventData": ...}}`,
 * several pretty-printed documents concatenated in one file) and resolving Sigma field names on them
 * the way Windows field naming works: EventData names with spaces stripped, then System fields.
 */
import { fieldAccessor } from '../../src/event/field-path.js';
import type { FieldResolver } from '../../src/rules/types.js';

/** Split concatenated JSON documents (a string-aware brace counter). */
export function splitJsonDocuments(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  if (depth !== 0) throw new Error('unbalanced JSON document');
  return out;
}

type Rec = Record<string, unknown>;
const unwrap = (v: unknown): unknown =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && '#text' in (v as Rec) ? (v as Rec)['#text'] : v;

function findSpaceless(rec: unknown, field: string): unknown {
  if (rec === null || typeof rec !== 'object') return undefined;
  for (const [k, v] of Object.entries(rec as Rec)) if (k.replace(/ /g, '') === field) return v;
  return undefined;
}

export const evtxResolver: FieldResolver = {
  resolve(field) {
    const eventData = fieldAccessor('Event.EventData');
    const userData = fieldAccessor('Event.UserData');
    const system = fieldAccessor(`Event.System.${field}`);
    const provider = fieldAccessor('Event.System.Provider.#attributes.Name');
    return {
      paths: [`Event.EventData.${field}`, `Event.UserData.*.${field}`, `Event.System.${field}`],
      accessor: (ev) => {
        if (field === 'Provider_Name') return provider(ev);
        const d = findSpaceless(eventData(ev), field);
        if (d !== undefined) return unwrap(d);
        const ud = userData(ev);
        if (ud !== null && typeof ud === 'object') {
          for (const inner of Object.values(ud as Rec)) {
            const u = findSpaceless(inner, field);
            if (u !== undefined) return unwrap(u);
          }
        }
        return unwrap(system(ev));
      },
    };
  },
};

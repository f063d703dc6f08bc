/**
 * Load correlation rules from Sigma YAML text: Sigma's own documents go through the Sigma loader
 * (its validation, its rejections); Weft's extension documents, which the Sigma loader rejects as
 * unknown types or non-map conditions, are parsed here and their Sigma rejections dropped.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import { parseRuleText } from '../rules/sigma/parse.js';
import type { SigmaRule } from '../rules/sigma/types.js';
import type { RuleRejection } from '../rules/types.js';
import { fromSigma, isWeftDocument, parseWeftDocument } from './definition.js';
import { CorrelationRuleError } from './errors.js';
import type { CorrelationDef } from './types.js';

export interface CorrelationLoadResult {
  /** Detection rules of the same text (multi-document files keep rules and correlations together). */
  rules: SigmaRule[];
  correlations: CorrelationDef[];
  rejections: RuleRejection[];
}

type Rec = Record<string, unknown>;

/**
 * Whether a rule text may hold a correlation document (a top-level `correlation:` key): the cheap
 * test that spares parsing every detection rule file a second time.
 */
export function mayHoldCorrelation(text: string): boolean {
  return /^correlation\s*:/m.test(text);
}

export function parseCorrelationText(text: string, file: string): CorrelationLoadResult {
  const sigma = parseRuleText(text, file);
  const out: CorrelationLoadResult = { rules: sigma.rules, correlations: [], rejections: [] };
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const handled: Array<[number, number]> = [];
  const rawByLine = new Map<number, Rec>();
  if (Array.isArray(docs)) {
    const starts = docs.map((d) => {
      const contents = d.contents as { range?: [number, number, number] } | null;
      return lc.linePos(contents?.range?.[0] ?? d.range?.[0] ?? 0).line;
    });
    docs.forEach((doc, i) => {
      if (doc.errors.length > 0 || doc.contents === null) return; // the Sigma loader reports these
      const line = starts[i] as number;
      const end = i + 1 < starts.length ? (starts[i + 1] as number) : Infinity;
      let raw: unknown;
      try {
        raw = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        // Alias bombs and the like. The Sigma loader reads its documents without expanding aliases and
        // leaves Weft's types out, so a correlation it neither loaded nor rejected is rejected here.
        const sigmaSaw = sigma.correlations.some((c) => c.line >= line && c.line < end) || sigma.rejections.some((r) => r.line >= line && r.line < end);
        if (doc.has('correlation') && !sigmaSaw) {
          handled.push([line, end]);
          out.rejections.push({ file, line, reason: `document cannot be read: ${(e as Error).message}` });
        }
        return;
      }
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !('correlation' in raw)) return;
      if (!isWeftDocument(raw as Rec)) {
        rawByLine.set(line, raw as Rec);
        return;
      }
      handled.push([line, end]);
      try {
        out.correlations.push(parseWeftDocument(raw as Rec, file, line));
      } catch (e) {
        if (!(e instanceof CorrelationRuleError)) throw e;
        const r: RuleRejection = { file, line, reason: e.message };
        const id = (raw as Rec)['id'];
        if (typeof id === 'string') r.ruleId = id;
        out.rejections.push(r);
      }
    });
  }
  for (const c of sigma.correlations) {
    try {
      out.correlations.push(fromSigma(c, rawByLine.get(c.line) ?? {}));
    } catch (e) {
      if (!(e instanceof CorrelationRuleError)) throw e;
      const r: RuleRejection = { file, line: c.line, reason: e.message };
      if (c.id !== undefined) r.ruleId = c.id;
      out.rejections.push(r);
    }
  }
  for (const r of sigma.rejections) {
    if (!handled.some(([a, b]) => r.line >= a && r.line < b)) out.rejections.push(r);
  }
  out.correlations.sort((a, b) => (a.meta.line ?? 0) - (b.meta.line ?? 0));
  return out;
}

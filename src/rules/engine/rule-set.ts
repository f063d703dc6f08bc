/**
 * A compiled rule set and its index. An event is routed only to the rules it can match:
 *
 * 1. Logsource: each distinct logsource condition (~100 for ~3,700 SigmaHQ rules) is evaluated at
 *    most once per event, and only those the dispatch table allows (see condition-dispatch.ts).
 * 2. Literals: every rule's `requiredLiterals` (CNF) are checked against the event's lowercased
 *    string values (the same view keyword searches use, so JSON/XML escaping in the raw record does
 *    not matter). One clause per rule, the most selective, is its anchor: all anchors form one
 *    Aho-Corasick automaton scanned once per event, and a rule is a candidate only when one of its
 *    anchor literals was found. Its other clauses are then checked (memoized per event).
 *    Rules without literals are candidates whenever their logsource condition holds.
 * 3. The candidates' predicates run, in rule order (by id), and matches are explained.
 *
 * The index is exact: a rule it skips cannot match (checked by the tests on every regression event,
 * with and without the index). Rules whose logsource no pipeline maps (condition null) are candidates
 * for every event, as in pySigma, and are indexed by their literals like the others.
 */
import { eventText } from '../sigma/event-text.js';
import type { CompiledRule } from '../sigma/types.js';
import type { ConditionValue } from '../pipeline/index.js';
import type { EventPredicate } from '../types.js';
import { LiteralScanner } from './aho-corasick.js';
import { ConditionDispatch } from './condition-dispatch.js';
import type { EngineStats, EngineStatsSummary, Match, MatchedRule } from './types.js';

export interface RuleSetCondition {
  /** Identifies the condition: rules with the same key share one evaluation per event. */
  key: string;
  predicate: EventPredicate | null;
  /** The pipeline's condition data, for dispatch; null if unknown. */
  conditions: Record<string, ConditionValue[]>[] | null;
}

export interface RuleSetEntry {
  compiled: CompiledRule;
  condition: RuleSetCondition;
}

export interface EvaluateOptions {
  /** Skip the index and the prefilter: every rule whose logsource condition holds is evaluated. */
  exhaustive?: boolean;
}

interface Entry {
  compiled: CompiledRule;
  predicate: EventPredicate;
  info: MatchedRule;
  /** Index into conds, or -1 for no condition. */
  cond: number;
  /** Literal ids per CNF clause. */
  clauses: Int32Array[];
  /** Which clause is the anchor; -1 when the rule has no literals. */
  anchor: number;
}

interface Cond {
  key: string;
  predicate: EventPredicate;
  /** Rules with this condition and no literals (always candidates when it holds). */
  unanchored: Int32Array;
  /** Rules with this condition (for statistics). */
  size: number;
}

function ruleKey(c: CompiledRule): string {
  return c.rule.id ?? c.rule.title;
}

function compareEntries(a: RuleSetEntry, b: RuleSetEntry): number {
  const ka = ruleKey(a.compiled);
  const kb = ruleKey(b.compiled);
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (a.compiled.rule.file !== b.compiled.rule.file) return a.compiled.rule.file < b.compiled.rule.file ? -1 : 1;
  return a.compiled.rule.line - b.compiled.rule.line;
}

function matchedRule(c: CompiledRule): MatchedRule {
  const r = c.rule;
  const info: MatchedRule = { id: ruleKey(c), title: r.title, tags: Object.freeze([...r.tags]), logsource: Object.freeze({ ...r.logsource }), file: r.file };
  if (r.level !== undefined) info.level = r.level;
  if (r.status !== undefined) info.status = r.status;
  if (r.author !== undefined) info.author = r.author;
  return Object.freeze(info);
}

/**
 * The score of a clause as an anchor: longer shortest literal first (rarer in text), then fewer
 * literals. The same heuristic the compiler uses to pick OR-branch literals.
 */
function anchorScore(clause: readonly string[]): number {
  let min = Infinity;
  for (const l of clause) min = Math.min(min, l.length);
  return Math.min(min, 64) * 1000 - clause.length;
}

/** Paths whose values the text view (eventText) leaves out: literals read there cannot be prefiltered. */
function readsHiddenPaths(c: CompiledRule): boolean {
  return c.eventPaths.some((p) => p === 'weft' || p.startsWith('weft.') || p === 'event.original' || p.startsWith('event.original.'));
}

const emptyInt32 = new Int32Array(0);

export class RuleSet {
  private readonly entries: Entry[];
  private readonly conds: Cond[];
  private readonly dispatch: ConditionDispatch;
  private readonly literals: string[];
  private readonly scanner: LiteralScanner;
  /** literal id -> rules anchored on it (ascending entry index). */
  private readonly anchoredBy: Int32Array[];
  /** Rules with no condition and no literals: candidates for every event. */
  private readonly unconditionedUnanchored: Int32Array;
  private readonly unconditionedCount: number;

  // Per-event scratch state, stamped with the event's epoch so nothing is cleared between events.
  private epoch = 0;
  private readonly litFound: Int32Array;
  private readonly litChecked: Int32Array;
  private readonly litPresent: Int32Array;
  private readonly condChecked: Int32Array;
  private readonly condTrue: Int32Array;
  private readonly ruleSeen: Int32Array;
  private candidates: Int32Array;
  private candidateCount = 0;
  private currentEvent: unknown = undefined;
  private readonly visitCondition = (i: number): void => this.checkCondition(i);
  private readonly stat: EngineStats = {
    events: 0, exhaustiveEvents: 0, conditionEvaluations: 0, ruleEvaluations: 0, logsourceCandidates: 0, prefilterPassed: 0, matches: 0,
  };

  constructor(input: readonly RuleSetEntry[]) {
    const sorted = [...input].sort(compareEntries);
    const condIndex = new Map<string, number>();
    const condDefs: RuleSetCondition[] = [];
    const condRules: number[][] = [];
    const litIndex = new Map<string, number>();
    this.literals = [];
    const litId = (l: string): number => {
      let id = litIndex.get(l);
      if (id === undefined) {
        id = this.literals.length;
        litIndex.set(l, id);
        this.literals.push(l);
      }
      return id;
    };
    const anchoredBy = new Map<number, number[]>();
    const unconditionedUnanchored: number[] = [];
    let unconditioned = 0;
    this.entries = sorted.map((e, idx) => {
      let cond = -1;
      if (e.condition.predicate !== null) {
        let ci = condIndex.get(e.condition.key);
        if (ci === undefined) {
          ci = condDefs.length;
          condIndex.set(e.condition.key, ci);
          condDefs.push(e.condition);
          condRules.push([]);
        }
        cond = ci;
      } else {
        unconditioned++;
      }
      const lits = readsHiddenPaths(e.compiled) ? [] : e.compiled.requiredLiterals;
      const clauses = lits.map((clause) => Int32Array.from(clause.map(litId)));
      let anchor = -1;
      let best = -Infinity;
      lits.forEach((clause, i) => {
        const s = anchorScore(clause);
        if (s > best) {
          best = s;
          anchor = i;
        }
      });
      if (anchor >= 0) {
        for (const id of clauses[anchor] as Int32Array) {
          let l = anchoredBy.get(id);
          if (l === undefined) anchoredBy.set(id, (l = []));
          if (l[l.length - 1] !== idx) l.push(idx);
        }
      } else if (cond >= 0) {
        (condRules[cond] as number[]).push(idx);
      } else {
        unconditionedUnanchored.push(idx);
      }
      const entry: Entry = { compiled: e.compiled, predicate: e.compiled.predicate, info: matchedRule(e.compiled), cond, clauses, anchor };
      return entry;
    });
    const sizes = new Array<number>(condDefs.length).fill(0);
    for (const e of this.entries) if (e.cond >= 0) sizes[e.cond] = (sizes[e.cond] as number) + 1;
    this.conds = condDefs.map((d, i) => ({
      key: d.key,
      predicate: d.predicate as EventPredicate,
      unanchored: Int32Array.from(condRules[i] as number[]),
      size: sizes[i] as number,
    }));
    this.dispatch = new ConditionDispatch(condDefs);
    this.unconditionedUnanchored = Int32Array.from(unconditionedUnanchored);
    this.unconditionedCount = unconditioned;
    const anchors: Array<string | undefined> = this.literals.map((l, id) => (anchoredBy.has(id) ? l : undefined));
    this.scanner = new LiteralScanner(anchors);
    this.anchoredBy = this.literals.map((_, id) => {
      const l = anchoredBy.get(id);
      return l === undefined ? emptyInt32 : Int32Array.from(l);
    });
    const nl = this.literals.length;
    this.litFound = new Int32Array(nl);
    this.litChecked = new Int32Array(nl);
    this.litPresent = new Int32Array(nl);
    this.condChecked = new Int32Array(this.conds.length);
    this.condTrue = new Int32Array(this.conds.length);
    this.ruleSeen = new Int32Array(this.entries.length);
    this.candidates = new Int32Array(Math.max(16, this.entries.length));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The compiled rules, in evaluation order (by id). */
  get rules(): CompiledRule[] {
    return this.entries.map((e) => e.compiled);
  }

  /** Index shape, for `weft rules` and the benchmark. */
  describe(): { rules: number; conditions: number; dispatchPath: string | undefined; literals: number; anchorLiterals: number; automatonNodes: number; unanchoredRules: number } {
    let unanchored = this.unconditionedUnanchored.length;
    for (const c of this.conds) unanchored += c.unanchored.length;
    let anchorLiterals = 0;
    for (const a of this.anchoredBy) if (a.length > 0) anchorLiterals++;
    return {
      rules: this.entries.length, conditions: this.conds.length, dispatchPath: this.dispatch.path, literals: this.literals.length,
      anchorLiterals, automatonNodes: this.scanner.nodeCount, unanchoredRules: unanchored,
    };
  }

  /**
   * The rules that match an event, in rule order. The event must not be mutated while it is being
   * evaluated (its text view is cached per object).
   */
  evaluate<E>(event: E, opts?: EvaluateOptions): Match<E>[] {
    this.nextEpoch();
    this.currentEvent = event;
    this.stat.events++;
    try {
      const text = opts?.exhaustive === true ? undefined : eventText(event);
      if (text === undefined || text.truncated) {
        this.stat.exhaustiveEvents++;
        return this.evaluateAll(event);
      }
      return this.evaluateIndexed(event, text.joinedLower);
    } finally {
      this.currentEvent = undefined;
    }
  }

  stats(): EngineStatsSummary {
    const s = this.stat;
    return {
      ...s,
      rules: this.entries.length,
      rulesEvaluatedPerEvent: s.events === 0 ? 0 : s.ruleEvaluations / s.events,
      conditionsEvaluatedPerEvent: s.events === 0 ? 0 : s.conditionEvaluations / s.events,
      prefilterPassRate: s.logsourceCandidates === 0 ? 0 : s.prefilterPassed / s.logsourceCandidates,
    };
  }

  resetStats(): void {
    for (const k of Object.keys(this.stat) as (keyof EngineStats)[]) this.stat[k] = 0;
  }

  private nextEpoch(): void {
    if (this.epoch >= 0x7ffffff0) {
      this.epoch = 0;
      for (const a of [this.litFound, this.litChecked, this.litPresent, this.condChecked, this.condTrue, this.ruleSeen]) a.fill(0);
    }
    this.epoch++;
  }

  private checkCondition(i: number): void {
    if (this.condChecked[i] === this.epoch) return;
    this.condChecked[i] = this.epoch;
    this.stat.conditionEvaluations++;
    const c = this.conds[i] as Cond;
    if (c.predicate(this.currentEvent)) this.condTrue[i] = this.epoch;
  }

  private conditionHolds(i: number): boolean {
    if (this.condChecked[i] !== this.epoch) this.checkCondition(i);
    return this.condTrue[i] === this.epoch;
  }

  private addCandidate(idx: number): void {
    if (this.candidateCount === this.candidates.length) {
      const grown = new Int32Array(this.candidates.length * 2);
      grown.set(this.candidates);
      this.candidates = grown;
    }
    this.candidates[this.candidateCount++] = idx;
  }

  private literalPresent(id: number, text: string): boolean {
    if (this.litFound[id] === this.epoch) return true;
    if (this.litChecked[id] !== this.epoch) {
      this.litChecked[id] = this.epoch;
      if (text.includes(this.literals[id] as string)) this.litPresent[id] = this.epoch;
    }
    return this.litPresent[id] === this.epoch;
  }

  private clausesHold(e: Entry, text: string): boolean {
    for (let k = 0; k < e.clauses.length; k++) {
      if (k === e.anchor) continue;
      const clause = e.clauses[k] as Int32Array;
      let any = false;
      for (let j = 0; j < clause.length; j++) {
        if (this.literalPresent(clause[j] as number, text)) {
          any = true;
          break;
        }
      }
      if (!any) return false;
    }
    return true;
  }

  private evaluateIndexed<E>(event: E, text: string): Match<E>[] {
    const epoch = this.epoch;
    this.candidateCount = 0;
    // 1. Logsource conditions that can hold; rules without literals under the true ones.
    this.dispatch.forCandidates(event, this.visitCondition);
    let eligible = this.unconditionedCount;
    for (let i = 0; i < this.conds.length; i++) {
      if (this.condTrue[i] !== epoch) continue;
      const c = this.conds[i] as Cond;
      eligible += c.size;
      for (let j = 0; j < c.unanchored.length; j++) this.addCandidate(c.unanchored[j] as number);
    }
    for (let j = 0; j < this.unconditionedUnanchored.length; j++) this.addCandidate(this.unconditionedUnanchored[j] as number);
    this.stat.logsourceCandidates += eligible;
    // 2. Anchor literals present in the text; their rules, if the condition holds and every clause does.
    const nFound = this.scanner.scan(text, this.litFound, epoch);
    const found = this.scanner.found;
    for (let f = 0; f < nFound; f++) {
      const id = found[f] as number;
      const rules = this.anchoredBy[id] as Int32Array;
      for (let j = 0; j < rules.length; j++) {
        const idx = rules[j] as number;
        if (this.ruleSeen[idx] === epoch) continue;
        this.ruleSeen[idx] = epoch;
        const e = this.entries[idx] as Entry;
        if (e.cond >= 0 && !this.conditionHolds(e.cond)) continue;
        if (!this.clausesHold(e, text)) continue;
        this.addCandidate(idx);
      }
    }
    this.stat.prefilterPassed += this.candidateCount;
    // 3. Predicates, in rule order.
    const cands = this.candidates.subarray(0, this.candidateCount).sort();
    let out: Match<E>[] | undefined;
    for (let k = 0; k < cands.length; k++) {
      const e = this.entries[cands[k] as number] as Entry;
      this.stat.ruleEvaluations++;
      if (!e.predicate(event)) continue;
      out ??= [];
      out.push(this.matchOf(e, event));
    }
    return out ?? [];
  }

  private evaluateAll<E>(event: E): Match<E>[] {
    let out: Match<E>[] | undefined;
    for (const e of this.entries) {
      if (e.cond >= 0 && !this.conditionHolds(e.cond)) continue;
      this.stat.logsourceCandidates++;
      this.stat.prefilterPassed++;
      this.stat.ruleEvaluations++;
      if (!e.predicate(event)) continue;
      out ??= [];
      out.push(this.matchOf(e, event));
    }
    return out ?? [];
  }

  private matchOf<E>(e: Entry, event: E): Match<E> {
    this.stat.matches++;
    const detail = e.compiled.explain(event);
    return { rule: e.info, selections: detail?.selections ?? [], event };
  }
}

/**
 * A compiled rule set and its index. An event is routed only to the rules it can match:
 *
 * 1. Logsource: conditions on the channel and event id are decided by a table lookup; any other
 *    distinct condition is evaluated at most once per event, and only when the dispatch table
 *    allows it (see condition-dispatch.ts).
 * 2. Literals: every rule's `requiredLiterals` (CNF) are checked against the event's lowercased
 *    values (the values keyword searches see, so JSON/XML escaping in the raw record does not
 *    matter), value by value with a per-value cache (event-literals.ts, literal-scanner.ts): every
 *    literal in the values at the paths rules read, the keyword rules' literals in all values. One
 *    clause per rule, the most selective, is its anchor, and a rule is a candidate only when one of
 *    its anchor literals was found. Its other clauses are then checked (stamp lookups).
 *    A rule that pins a field to exact values (`EventID: 4624`, `OriginalFileName: [...]`, see
 *    required-fields.ts) and has no anchor, or whose pin implies its anchor, is reached through the
 *    pinned field's value instead. A rule with neither is reached through the root keys it needs,
 *    or else is a candidate whenever its logsource condition holds.
 * 3. The candidates' predicates run, in rule order (by id), and matches are explained (only the
 *    search identifiers the match leaves open are evaluated again: compile.ts impliedByMatch).
 *
 * The index is exact: a rule it skips cannot match (checked by the tests on every regression event,
 * with and without the index). Rules whose logsource no pipeline maps (condition null) are candidates
 * for every event, as in pySigma, and are indexed by their literals like the others.
 */
import type { CompiledRule } from '../sigma/types.js';
import type { ConditionValue } from '../pipeline/index.js';
import type { EventPredicate } from '../types.js';
import { clauseScore } from '../sigma/compile.js';
import { literalPresence } from '../sigma/event-text.js';
import { EventLiterals, pathTrie } from './event-literals.js';
import { isRareShort, LiteralScanner } from './literal-scanner.js';
import { ConditionDispatch } from './condition-dispatch.js';
import type { PinnedField } from './required-fields.js';
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
  /** Root keys the event must have (CNF, see required-fields.ts); empty when nothing is known. */
  rootKeys?: string[][];
  /** Fields the rule pins to exact values (see required-fields.ts). */
  pinned?: PinnedField[];
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
  /** Which root clause is the anchor, when the rule has no literal anchor; -1 otherwise. Its
   *  other clauses, literal and root-key, are checked from RuleSet.checkData. */
  rootAnchor: number;
}

/** Rules of one condition that pin the same field: the field is read once, its value looked up. */
interface PinGroup {
  get: (event: unknown) => unknown;
  byValue: Map<string, Int32Array>;
}

interface Cond {
  key: string;
  predicate: EventPredicate;
  pins: PinGroup[];
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
  if (r.name !== undefined) info.name = r.name;
  return Object.freeze(info);
}

/** The score of a clause as an anchor: the compiler's clauseScore, literals past 64 characters counting as 64. */
const anchorScore = (clause: readonly string[]): number => clauseScore(clause, 64);

/** Paths whose values the text view (eventText) leaves out: literals read there cannot be prefiltered. */
function readsHiddenPaths(c: CompiledRule): boolean {
  return c.eventPaths.some((p) => p === 'weft' || p.startsWith('weft.') || p === 'event.original' || p.startsWith('event.original.'));
}

const emptyInt32 = new Int32Array(0);
/** In checkData: the literal clauses end and the root-key clauses begin (no clause is that long). */
const ROOTS = 0x7fffffff;
/**
 * Literals of one or two characters (`-`, `\\`, `/c`) are in nearly every event: a clause holding
 * one is left out of the prefilter (it could neither anchor its rule nor prune it). Short literals
 * with a non-ASCII character (emoji, homoglyphs) or made of characters rare in log values (`<`,
 * `>`, `^`, backtick, `|`: redirection, cmd escapes, PowerShell obfuscation) are rare in text, and
 * the scanner looks for them only in values that have such a character (literal-scanner.ts).
 */
function isCommon(literal: string): boolean {
  return literal.length < 3 && !isRareShort(literal);
}
/** Clauses with at least this many literals are marked from the found literals' side. */
const BIG_CLAUSE = 16;

export class RuleSet {
  private readonly entries: Entry[];
  private readonly conds: Cond[];
  private readonly dispatch: ConditionDispatch;
  private readonly literals: string[];
  /** literal -> its id (the scanner's needle index). */
  private readonly literalIds: Map<string, number>;
  /**
   * For keyword searches (event-text.ts literalPresence): is a literal in some value of the current
   * event. A literal found anywhere is; one not found is known absent only if it is a keyword
   * literal (the others are looked for only at the paths rules read).
   */
  private readonly presence = (literal: string): boolean | undefined => {
    const id = this.literalIds.get(literal);
    if (id === undefined) return undefined;
    if (this.litFound[id] === this.epoch) return true;
    return this.keywordLiteral[id] === 1 ? false : undefined;
  };
  /** 1 for the literals of rules with keyword searches: looked for in every value of the event. */
  private readonly keywordLiteral: Uint8Array;
  private readonly scanner: LiteralScanner;
  /** literal id -> rules anchored on it, as a visit list (see visitList). */
  private readonly anchoredBy: Int32Array[];
  /** Rules with no condition and no literals: candidates for every event. */
  private readonly unconditionedUnanchored: Int32Array;
  private readonly unconditionedCount: number;
  /** Root key (first path segment) -> id, for the keys some rule requires. */
  private readonly rootIndex: Map<string, number>;
  /** root key id -> rules anchored on it (rules without literals that require root keys), as a visit list. */
  private readonly rootAnchoredBy: Int32Array[];
  /**
   * Every rule's clause checks in one array, rule i's at `checkData[checkStart[i] .. checkStart[i + 1])`:
   * its literal clauses but the anchor, then its root-key clauses but the root anchor (see
   * clausesHold). One contiguous read per rule instead of arrays of arrays behind each entry.
   */
  private readonly checkData: Int32Array;
  private readonly checkStart: Int32Array;
  private readonly rootFound: Int32Array;
  /** The root-key ids present on the current event (the first few, one each). */
  private readonly rootsPresent: Int32Array;
  /** Rules that can never match (a required field resolves to no path). */
  private readonly neverMatch: number;
  private readonly pinnedRules: number;

  // Per-event scratch state, stamped with the event's epoch so nothing is cleared between events.
  private epoch = 0;
  private readonly litFound: Int32Array;
  private readonly eventLiterals: EventLiterals;
  /** literal id -> the long clauses it is in (undefined: none). */
  private readonly bigClausesOf: Array<Int32Array | undefined>;
  /** Per long clause, the epoch of the event in which one of its literals was found. */
  private readonly bigClauseHolds: Int32Array;
  private readonly condChecked: Int32Array;
  private readonly condTrue: Int32Array;
  private readonly ruleSeen: Int32Array;
  private candidates: Int32Array;
  private candidateCount = 0;
  private currentEvent: unknown = undefined;
  private readonly visitCondition = (i: number, decided: boolean): void => {
    if (!decided) {
      this.checkCondition(i);
    } else if (this.condChecked[i] !== this.epoch) {
      this.condChecked[i] = this.epoch;
      this.condTrue[i] = this.epoch;
    }
  };
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
    const rootIndex = new Map<string, number>();
    const rootId = (k: string): number => {
      let id = rootIndex.get(k);
      if (id === undefined) {
        id = rootIndex.size;
        rootIndex.set(k, id);
      }
      return id;
    };
    const rootAnchoredBy = new Map<number, number[]>();
    let neverMatch = 0;
    const pinGroups = new Map<number, Map<string, { get: (event: unknown) => unknown; byValue: Map<string, number[]> }>>();
    let pinnedRules = 0;
    const unconditionedUnanchored: number[] = [];
    let unconditioned = 0;
    let bigClauseCount = 0;
    const bigOf = new Map<number, number[]>();
    const checks: number[] = [];
    const checkStarts: number[] = [];
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
      // Smaller clauses first: they are the cheaper to check and the likelier to fail. A clause with
      // a common literal (isCommon) is left out: it holds in nearly every event, so it could neither
      // anchor the rule nor prune it, and finding its literals would cost a pass over every value.
      const lits = (readsHiddenPaths(e.compiled) ? [] : e.compiled.requiredLiterals.filter((clause) => !clause.some(isCommon))).sort((a, b) => a.length - b.length);
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
      const roots = (e.rootKeys ?? []).map((clause) => Int32Array.from(clause.map(rootId)));
      let rootAnchor = -1;
      // A pinned field indexes a rule that has no literal anchor, and one whose pin implies its
      // anchor (every pinned value holds an anchor literal): `OriginalFileName: [Cmd.Exe, ...]`
      // anchored on `cmd.exe` is a candidate for every event that mentions cmd.exe anywhere, pinned
      // only for those whose OriginalFileName is one of them. The anchor clause is then checked.
      let pin: PinnedField | undefined;
      if (cond >= 0 && anchor < 0) {
        pin = e.pinned?.[0];
      } else if (cond >= 0) {
        const anchorLiterals = lits[anchor] as string[];
        pin = e.pinned?.find((p) => p.values.every((v) => anchorLiterals.some((l) => v.includes(l))));
        if (pin !== undefined) anchor = -1;
      }
      if (pin !== undefined) {
        // Second level within the logsource bucket: the pinned field's value (EventID and the like).
        let groups = pinGroups.get(cond);
        if (groups === undefined) pinGroups.set(cond, (groups = new Map()));
        let g = groups.get(pin.key);
        if (g === undefined) groups.set(pin.key, (g = { get: pin.get, byValue: new Map() }));
        for (const v of pin.values) {
          let l = g.byValue.get(v);
          if (l === undefined) g.byValue.set(v, (l = []));
          l.push(idx);
        }
        pinnedRules++;
      } else if (anchor < 0) {
        roots.forEach((c, i) => {
          if (rootAnchor < 0 || c.length < (roots[rootAnchor] as Int32Array).length) rootAnchor = i;
        });
      }
      if (pin !== undefined) {
        // indexed above
      } else if (anchor >= 0) {
        for (const id of clauses[anchor] as Int32Array) {
          let l = anchoredBy.get(id);
          if (l === undefined) anchoredBy.set(id, (l = []));
          if (l[l.length - 1] !== idx) l.push(idx);
        }
      } else if (rootAnchor >= 0) {
        // An empty clause: a field the rule needs resolves to no path, so it never matches.
        if ((roots[rootAnchor] as Int32Array).length === 0) neverMatch++;
        for (const id of roots[rootAnchor] as Int32Array) {
          let l = rootAnchoredBy.get(id);
          if (l === undefined) rootAnchoredBy.set(id, (l = []));
          if (l[l.length - 1] !== idx) l.push(idx);
        }
      } else if (cond >= 0) {
        (condRules[cond] as number[]).push(idx);
      } else {
        unconditionedUnanchored.push(idx);
      }
      // A long clause (hash lists) is not checked literal by literal: the literals found in the
      // event mark the long clauses they belong to.
      const big = Int32Array.from(lits, (clause) => {
        if (clause.length < BIG_CLAUSE) return -1;
        const id = bigClauseCount++;
        for (const l of clause) {
          const lid = litIndex.get(l) as number;
          let list = bigOf.get(lid);
          if (list === undefined) bigOf.set(lid, (list = []));
          list.push(id);
        }
        return id;
      });
      // Clause checks: per literal clause but the anchor, a long one as -(its id + 1), any other as
      // its length and literal ids; then ROOTS and per root clause but the root anchor, its length and ids.
      checkStarts.push(checks.length);
      clauses.forEach((c, k) => {
        if (k === anchor) return;
        const bc = big[k] as number;
        if (bc >= 0) checks.push(-(bc + 1));
        else checks.push(c.length, ...c);
      });
      checks.push(ROOTS);
      roots.forEach((c, k) => {
        if (k !== rootAnchor) checks.push(c.length, ...c);
      });
      const entry: Entry = { compiled: e.compiled, predicate: e.compiled.predicate, info: matchedRule(e.compiled), cond, rootAnchor };
      return entry;
    });
    checkStarts.push(checks.length);
    this.checkData = Int32Array.from(checks);
    this.checkStart = Int32Array.from(checkStarts);
    const visitList = (rules: readonly number[]): Int32Array => {
      const out = new Int32Array(rules.length * 2);
      rules.forEach((idx, j) => {
        out[2 * j] = idx;
        out[2 * j + 1] = (this.entries[idx] as Entry).cond;
      });
      return out;
    };
    const sizes = new Array<number>(condDefs.length).fill(0);
    for (const e of this.entries) if (e.cond >= 0) sizes[e.cond] = (sizes[e.cond] as number) + 1;
    this.pinnedRules = pinnedRules;
    this.conds = condDefs.map((d, i) => ({
      key: d.key,
      predicate: d.predicate as EventPredicate,
      pins: [...(pinGroups.get(i)?.values() ?? [])].map((g) => ({
        get: g.get,
        byValue: new Map([...g.byValue].map(([v, rules]) => [v, visitList(rules)])),
      })),
      unanchored: Int32Array.from(condRules[i] as number[]),
      size: sizes[i] as number,
    }));
    this.dispatch = new ConditionDispatch(condDefs);
    this.unconditionedUnanchored = Int32Array.from(unconditionedUnanchored);
    this.unconditionedCount = unconditioned;
    // Every literal is found per value (and cached per value), so a clause check is a stamp lookup.
    this.scanner = new LiteralScanner(this.literals);
    this.literalIds = litIndex;
    // Keyword searches can find their literals in any value; a field's literal matters only at the
    // paths its rule reads (see event-literals.ts).
    this.keywordLiteral = new Uint8Array(this.literals.length);
    const referenced = new Set<string>();
    for (const e of this.entries) {
      for (const p of e.compiled.eventPaths) referenced.add(p);
      if (!e.compiled.keywordSearch) continue;
      for (const clause of e.compiled.requiredLiterals) {
        for (const l of clause) {
          const id = litIndex.get(l);
          if (id !== undefined) this.keywordLiteral[id] = 1;
        }
      }
    }
    const keywordLiterals = this.literals.filter((_, id) => this.keywordLiteral[id] === 1);
    this.eventLiterals = new EventLiterals(
      this.scanner,
      keywordLiterals.length === 0 ? undefined : new LiteralScanner(this.literals.map((l, id) => (this.keywordLiteral[id] === 1 ? l : undefined))),
      pathTrie(referenced),
      keywordLiterals,
    );
    this.anchoredBy = this.literals.map((_, id) => {
      const l = anchoredBy.get(id);
      return l === undefined ? emptyInt32 : visitList(l);
    });
    this.rootIndex = rootIndex;
    this.rootAnchoredBy = Array.from({ length: rootIndex.size }, (_, id) => visitList(rootAnchoredBy.get(id) ?? []));
    this.rootFound = new Int32Array(rootIndex.size);
    this.rootsPresent = new Int32Array(rootIndex.size);
    this.neverMatch = neverMatch;
    const nl = this.literals.length;
    this.litFound = new Int32Array(nl);
    this.bigClauseHolds = new Int32Array(bigClauseCount);
    this.bigClausesOf = this.literals.map((_, id) => {
      const l = bigOf.get(id);
      return l === undefined ? undefined : Int32Array.from(l);
    });
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

  /**
   * What matches say of each rule, in evaluation order: the objects `evaluate` puts in `Match.rule`.
   * Two rule sets built from the same rules list them in the same order (hunt workers rely on it).
   */
  get ruleInfos(): readonly MatchedRule[] {
    return this.entries.map((e) => e.info);
  }

  /** Index shape, for `weft rules` and the benchmark. */
  describe(): {
    rules: number; conditions: number; dispatchPath: string | undefined; literals: number; anchorLiterals: number; scannerGrams: number;
    pinnedFieldRules: number; rootKeyAnchoredRules: number; unanchoredRules: number; neverMatchingRules: number;
  } {
    let unanchored = this.unconditionedUnanchored.length;
    for (const c of this.conds) unanchored += c.unanchored.length;
    let anchorLiterals = 0;
    for (const a of this.anchoredBy) if (a.length > 0) anchorLiterals++;
    return {
      rules: this.entries.length, conditions: this.conds.length, dispatchPath: this.dispatch.path, literals: this.literals.length,
      anchorLiterals, scannerGrams: this.scanner.gramCount, pinnedFieldRules: this.pinnedRules, rootKeyAnchoredRules: this.entries.filter((e) => e.rootAnchor >= 0).length,
      unanchoredRules: unanchored, neverMatchingRules: this.neverMatch,
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
      const indexable = opts?.exhaustive !== true && event !== null && typeof event === 'object' && !Array.isArray(event);
      // The literals every value holds (per value, cached); an event nested too deep is evaluated
      // exhaustively, since some of its values were not read.
      if (!indexable || !this.eventLiterals.collect(event as object, this.litFound, this.epoch)) {
        this.stat.exhaustiveEvents++;
        return this.evaluateAll(event);
      }
      return this.evaluateIndexed(event);
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
      for (const a of [this.litFound, this.bigClauseHolds, this.rootFound, this.condChecked, this.condTrue, this.ruleSeen]) a.fill(0);
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

  /** Every clause of rule `idx` but its anchors holds (checkData: literal clauses, ROOTS, root clauses). */
  private clausesHold(idx: number): boolean {
    const epoch = this.epoch;
    const d = this.checkData;
    const end = this.checkStart[idx + 1] as number;
    let found = this.litFound;
    let p = this.checkStart[idx] as number;
    while (p < end) {
      const n = d[p++] as number;
      if (n === ROOTS) {
        found = this.rootFound;
        continue;
      }
      if (n < 0) {
        if (this.bigClauseHolds[-n - 1] !== epoch) return false;
        continue;
      }
      const stop = p + n;
      while (p < stop && found[d[p] as number] !== epoch) p++;
      if (p === stop) return false;
      p = stop;
    }
    return true;
  }

  /** Rules pinning a field to exact values: those whose value the event holds (arrays: any element). */
  private visitPinned(g: PinGroup, event: unknown): void {
    const v = g.get(event);
    if (Array.isArray(v)) {
      for (const el of v) this.visitPinnedValue(g, el);
    } else {
      this.visitPinnedValue(g, v);
    }
  }

  private visitPinnedValue(g: PinGroup, v: unknown): void {
    let k: string;
    if (typeof v === 'string') k = v.toLowerCase();
    else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') k = String(v);
    else return;
    const rules = g.byValue.get(k);
    if (rules !== undefined) this.visitAnchored(rules);
  }

  /**
   * Rules reached through an anchor: candidates if not seen yet, their condition holds and every
   * clause does. A visit list holds (rule index, its condition or -1) pairs, so a rule whose
   * logsource condition is false for this event (most of them: an image name anchors rules of every
   * Windows category) is passed over without reading anything of it.
   */
  private visitAnchored(list: Int32Array): void {
    const epoch = this.epoch;
    const seen = this.ruleSeen;
    const condTrue = this.condTrue;
    for (let j = 0; j < list.length; j += 2) {
      const idx = list[j] as number;
      if (seen[idx] === epoch) continue;
      seen[idx] = epoch;
      // The dispatch pass already evaluated every condition that can hold for this event.
      const c = list[j + 1] as number;
      if (c >= 0 && condTrue[c] !== epoch) continue;
      if (!this.clausesHold(idx)) continue;
      this.addCandidate(idx);
    }
  }

  private evaluateIndexed<E>(event: E): Match<E>[] {
    const epoch = this.epoch;
    this.candidateCount = 0;
    // 0. Literals present (collected by evaluate), the long clauses they satisfy, and the root keys
    //    present on the event: every clause check below reads them.
    const nFound = this.eventLiterals.count;
    const found = this.eventLiterals.found;
    const bigOk = this.bigClauseHolds;
    for (let f = 0; f < nFound; f++) {
      const bigs = this.bigClausesOf[found[f] as number];
      if (bigs !== undefined) for (let j = 0; j < bigs.length; j++) bigOk[bigs[j] as number] = epoch;
    }
    let nRoots = 0;
    for (const key in event as object) {
      const dot = key.indexOf('.');
      const id = this.rootIndex.get(dot < 0 ? key : key.slice(0, dot));
      if (id !== undefined && this.rootFound[id] !== epoch) {
        this.rootFound[id] = epoch;
        this.rootsPresent[nRoots++] = id;
      }
    }
    // 1. Logsource conditions that can hold; under the true ones, rules without literals and rules
    //    pinning a field to the value this event has.
    this.dispatch.forCandidates(event, this.visitCondition);
    let eligible = this.unconditionedCount;
    for (let i = 0; i < this.conds.length; i++) {
      if (this.condTrue[i] !== epoch) continue;
      const c = this.conds[i] as Cond;
      eligible += c.size;
      for (let j = 0; j < c.unanchored.length; j++) this.addCandidate(c.unanchored[j] as number);
      for (let g = 0; g < c.pins.length; g++) this.visitPinned(c.pins[g] as PinGroup, event);
    }
    for (let j = 0; j < this.unconditionedUnanchored.length; j++) this.addCandidate(this.unconditionedUnanchored[j] as number);
    this.stat.logsourceCandidates += eligible;
    // 2. The rules anchored on root keys present on the event.
    for (let r = 0; r < nRoots; r++) this.visitAnchored(this.rootAnchoredBy[this.rootsPresent[r] as number] as Int32Array);
    // 3. Anchor literals present in the text; their rules, if the condition holds and every clause does.
    for (let f = 0; f < nFound; f++) {
      this.visitAnchored(this.anchoredBy[found[f] as number] as Int32Array);
    }
    this.stat.prefilterPassed += this.candidateCount;
    // 4. Predicates, in rule order.
    const cands = this.candidates;
    const nCands = this.candidateCount;
    // Insertion sort for the usual handful (no subarray, no call into the runtime); many, the builtin.
    if (nCands > 32) {
      cands.subarray(0, nCands).sort();
    } else {
      for (let k = 1; k < nCands; k++) {
        const v = cands[k] as number;
        let at = k - 1;
        while (at >= 0 && (cands[at] as number) > v) {
          cands[at + 1] = cands[at] as number;
          at--;
        }
        cands[at + 1] = v;
      }
    }
    let out: Match<E>[] | undefined;
    // Every value of this event was scanned for every literal: keyword searches ask the index.
    literalPresence.has = this.presence;
    try {
      for (let k = 0; k < nCands; k++) {
        const e = this.entries[cands[k] as number] as Entry;
        this.stat.ruleEvaluations++;
        if (!e.predicate(event)) continue;
        out ??= [];
        out.push(this.matchOf(e, event));
      }
    } finally {
      literalPresence.has = undefined;
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
    // The predicate has just matched: only the search identifiers are left to evaluate.
    return { rule: e.info, selections: e.compiled.selections(event), event };
  }
}

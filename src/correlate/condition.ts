/** Correlation conditions: numeric comparisons and the extended temporal expression. */
import type { NumericCondition, RuleExpr } from './types.js';

const OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;

export function testCondition(c: NumericCondition, v: number): boolean {
  if (c.gt !== undefined && !(v > c.gt)) return false;
  if (c.gte !== undefined && !(v >= c.gte)) return false;
  if (c.lt !== undefined && !(v < c.lt)) return false;
  if (c.lte !== undefined && !(v <= c.lte)) return false;
  if (c.eq !== undefined && !(v === c.eq)) return false;
  if (c.neq !== undefined && !(v !== c.neq)) return false;
  return true;
}

/**
 * A condition that only bounds from below (`gt`/`gte`) can be decided the moment it becomes true: more
 * events never make it false again. Anything else (`lt`, `lte`, `eq`, `neq`) needs the whole window.
 */
export function isMonotone(c: NumericCondition): boolean {
  return c.lt === undefined && c.lte === undefined && c.eq === undefined && c.neq === undefined;
}

/** Validate a plain `{gte: 10}` map; returns an error message or the condition. */
export function numericCondition(raw: unknown, allowField: boolean): NumericCondition | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return "'condition' must be a map like {gte: 10}";
  const out: NumericCondition = {};
  let n = 0;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (k === 'field' && allowField) continue;
    if (!(OPS as readonly string[]).includes(k)) return `unknown condition operator '${k}' (allowed: ${OPS.join(', ')}${allowField ? ', field' : ''})`;
    if (typeof v !== 'number' || !Number.isFinite(v)) return `condition '${k}' must be a finite number`;
    out[k as (typeof OPS)[number]] = v;
    n++;
  }
  if (n === 0) return 'condition needs a comparison (gt, gte, lt, lte, eq, neq)';
  return out;
}

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/**
 * Parse `a and not (b or c)` over the rule references of a correlation. `not` binds tighter than `and`,
 * `and` tighter than `or`; keywords are case-insensitive. Every name must be one of `rules`.
 */
export function parseRuleExpression(text: string, rules: readonly string[]): RuleExpr {
  if (text.length > 4096) throw new ExpressionError('condition expression is longer than 4096 characters');
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  if (tokens.length === 0) throw new ExpressionError('condition expression is empty');
  let i = 0;
  let depth = 0;
  const peek = (): string | undefined => tokens[i];
  const kw = (t: string | undefined, k: string): boolean => t !== undefined && t.toLowerCase() === k;
  const primary = (): RuleExpr => {
    const t = tokens[i++];
    if (t === undefined) throw new ExpressionError('condition expression ends too early');
    if (kw(t, 'not')) return { op: 'not', arg: primary() };
    if (t === '(') {
      if (++depth > 64) throw new ExpressionError('condition expression nests deeper than 64 levels');
      const e = or();
      if (tokens[i++] !== ')') throw new ExpressionError("condition expression is missing ')'");
      depth--;
      return e;
    }
    if (t === ')' || kw(t, 'and') || kw(t, 'or')) throw new ExpressionError(`unexpected '${t}' in condition expression`);
    const slot = rules.indexOf(t);
    if (slot < 0) throw new ExpressionError(`condition expression names '${t}', which is not in 'rules'`);
    return { op: 'ref', slot };
  };
  const and = (): RuleExpr => {
    const args = [primary()];
    while (kw(peek(), 'and')) {
      i++;
      args.push(primary());
    }
    return args.length === 1 ? (args[0] as RuleExpr) : { op: 'and', args };
  };
  const or = (): RuleExpr => {
    const args = [and()];
    while (kw(peek(), 'or')) {
      i++;
      args.push(and());
    }
    return args.length === 1 ? (args[0] as RuleExpr) : { op: 'or', args };
  };
  const e = or();
  if (i !== tokens.length) throw new ExpressionError(`unexpected '${tokens[i] ?? ''}' in condition expression`);
  return e;
}

export function evalRuleExpr(e: RuleExpr, seen: ArrayLike<number>): boolean {
  switch (e.op) {
    case 'ref':
      return (seen[e.slot] ?? 0) > 0;
    case 'not':
      return !evalRuleExpr(e.arg, seen);
    case 'and':
      for (const a of e.args) if (!evalRuleExpr(a, seen)) return false;
      return true;
    case 'or':
      for (const a of e.args) if (evalRuleExpr(a, seen)) return true;
      return false;
  }
}

/** Slots named outside any `not`: only these open a window. */
export function positiveSlots(e: RuleExpr, negated = false, out = new Set<number>()): Set<number> {
  if (e.op === 'ref') {
    if (!negated) out.add(e.slot);
  } else if (e.op === 'not') positiveSlots(e.arg, !negated, out);
  else for (const a of e.args) positiveSlots(a, negated, out);
  return out;
}

export function hasNegation(e: RuleExpr): boolean {
  if (e.op === 'ref') return false;
  if (e.op === 'not') return true;
  return e.args.some(hasNegation);
}

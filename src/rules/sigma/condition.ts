/**
 * The Sigma condition language: a tokenizer and a recursive-descent parser.
 * Precedence, least to most binding: `or`, `and`, `not`, `x of ...`, parentheses.
 * Keywords are case-insensitive, as in pySigma.
 */
import { lookupTable } from '../../event/own-props.js';

export type ConditionNode =
  | { t: 'id'; name: string }
  | { t: 'and'; args: ConditionNode[] }
  | { t: 'or'; args: ConditionNode[] }
  | { t: 'not'; arg: ConditionNode }
  /** `1 of x*`, `any of x*`, `all of them`: `pattern` null means `them`. */
  | { t: 'of'; quantifier: 'any' | 'all'; pattern: string | null };

export class ConditionError extends Error {
  constructor(
    readonly condition: string,
    readonly position: number,
    detail: string,
  ) {
    super(`condition '${condition}': ${detail}`);
    this.name = 'ConditionError';
  }
}

type TokKind = 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'of' | 'them' | 'all' | 'any' | 'number' | 'ident' | 'pipe';
interface Token {
  kind: TokKind;
  text: string;
  pos: number;
}

const KEYWORDS: Readonly<Record<string, TokKind>> = lookupTable({ and: 'and', or: 'or', not: 'not', of: 'of', them: 'them', all: 'all', any: 'any' });
const IDENT = /[A-Za-z0-9_*.\-$@]/;

export function tokenizeCondition(cond: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < cond.length) {
    const c = cond[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(') {
      out.push({ kind: 'lparen', text: c, pos: i++ });
    } else if (c === ')') {
      out.push({ kind: 'rparen', text: c, pos: i++ });
    } else if (c === '|') {
      // The rest is a Sigma v1 aggregation (`| count() by x > 5`): no point tokenizing it.
      out.push({ kind: 'pipe', text: c, pos: i });
      break;
    } else if (IDENT.test(c)) {
      const start = i;
      while (i < cond.length && IDENT.test(cond[i] as string)) i++;
      const text = cond.slice(start, i);
      const kw = KEYWORDS[text.toLowerCase()];
      out.push({ kind: kw ?? (/^\d+$/.test(text) ? 'number' : 'ident'), text, pos: start });
    } else {
      throw new ConditionError(cond, i, `unexpected character '${c}' at position ${i}`);
    }
  }
  return out;
}

export function parseCondition(cond: string): ConditionNode {
  const toks = tokenizeCondition(cond);
  let k = 0;
  const peek = (): Token | undefined => toks[k];
  const describe = (t: Token | undefined): string => (t === undefined ? 'end of condition' : `'${t.text}' at position ${t.pos}`);
  const fail = (t: Token | undefined, what: string): never => {
    throw new ConditionError(cond, t?.pos ?? cond.length, `${what}, found ${describe(t)}`);
  };

  const parseOr = (): ConditionNode => {
    const args = [parseAnd()];
    while (peek()?.kind === 'or') {
      k++;
      args.push(parseAnd());
    }
    return args.length === 1 ? (args[0] as ConditionNode) : { t: 'or', args };
  };
  const parseAnd = (): ConditionNode => {
    const args = [parseNot()];
    while (peek()?.kind === 'and') {
      k++;
      args.push(parseNot());
    }
    return args.length === 1 ? (args[0] as ConditionNode) : { t: 'and', args };
  };
  const parseNot = (): ConditionNode => {
    if (peek()?.kind === 'not') {
      k++;
      return { t: 'not', arg: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionNode => {
    const t = peek();
    if (t === undefined) return fail(t, 'expected a search identifier, "x of" or "("');
    switch (t.kind) {
      case 'lparen': {
        k++;
        const inner = parseOr();
        if (peek()?.kind !== 'rparen') fail(peek(), `expected ')' to close '(' at position ${t.pos}`);
        k++;
        return inner;
      }
      case 'number':
      case 'all':
      case 'any': {
        k++;
        let quantifier: 'any' | 'all';
        if (t.kind === 'all') quantifier = 'all';
        else if (t.kind === 'any' || t.text === '1') quantifier = 'any';
        else
          throw new ConditionError(
            cond,
            t.pos,
            `'${t.text} of' is unsupported: only '1 of', 'any of' and 'all of' are defined (at position ${t.pos})`,
          );
        if (peek()?.kind !== 'of') fail(peek(), `expected 'of' after '${t.text}'`);
        k++;
        const target = peek();
        if (target?.kind === 'them') {
          k++;
          return { t: 'of', quantifier, pattern: null };
        }
        if (target?.kind === 'ident') {
          k++;
          return { t: 'of', quantifier, pattern: target.text };
        }
        return fail(target, `expected 'them' or a search identifier pattern after '${t.text} of'`);
      }
      case 'ident': {
        k++;
        if (t.text.includes('*')) {
          throw new ConditionError(cond, t.pos, `wildcard identifier '${t.text}' is only allowed after '1 of' or 'all of' (at position ${t.pos})`);
        }
        return { t: 'id', name: t.text };
      }
      case 'pipe':
        throw new ConditionError(
          cond,
          t.pos,
          `aggregation expressions ('| count() ...', at position ${t.pos}) are the obsolete Sigma v1 syntax and unsupported: use a correlation rule`,
        );
      default:
        return fail(t, 'expected a search identifier, "x of" or "("');
    }
  };

  if (toks.length === 0) throw new ConditionError(cond, 0, 'condition is empty');
  const node = parseOr();
  if (k < toks.length) {
    const t = toks[k] as Token;
    if (t.kind === 'pipe') {
      throw new ConditionError(
        cond,
        t.pos,
        `aggregation expressions ('| count() ...', at position ${t.pos}) are the obsolete Sigma v1 syntax and unsupported: use a correlation rule`,
      );
    }
    if (t.kind === 'rparen') fail(t, "unbalanced ')': no matching '('");
    fail(t, "expected 'and', 'or' or end of condition");
  }
  return node;
}

/** Glob match for `1 of selection*` patterns (`*` = any run of characters). */
export function identifierPatternMatches(pattern: string, name: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === name;
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last)) return false;
  let pos = first.length;
  const end = name.length - last.length;
  for (const mid of parts.slice(1, -1)) {
    const at = name.indexOf(mid, pos);
    if (at < 0 || at + mid.length > end) return false;
    pos = at + mid.length;
  }
  return true;
}

/**
 * Replace `x of` nodes by and/or over the named identifiers and check every name exists.
 * `them` excludes identifiers starting with `_` (rules spec).
 */
export function resolveCondition(node: ConditionNode, identifiers: string[], cond: string): ConditionNode {
  const known = new Set(identifiers);
  const walk = (n: ConditionNode): ConditionNode => {
    switch (n.t) {
      case 'id':
        if (!known.has(n.name)) {
          throw new ConditionError(cond, cond.indexOf(n.name), `unknown search identifier '${n.name}' (defined: ${identifiers.join(', ') || 'none'})`);
        }
        return n;
      case 'not':
        return { t: 'not', arg: walk(n.arg) };
      case 'and':
      case 'or':
        return { t: n.t, args: n.args.map(walk) };
      case 'of': {
        const names =
          n.pattern === null
            ? identifiers.filter((id) => !id.startsWith('_'))
            : identifiers.filter((id) => identifierPatternMatches(n.pattern as string, id));
        if (names.length === 0) {
          const what = n.pattern === null ? 'them' : `'${n.pattern}'`;
          throw new ConditionError(cond, 0, `${n.quantifier === 'all' ? 'all' : '1'} of ${what} matches no search identifier`);
        }
        const args: ConditionNode[] = names.map((name) => ({ t: 'id', name }));
        if (args.length === 1) return args[0] as ConditionNode;
        return { t: n.quantifier === 'all' ? 'and' : 'or', args };
      }
    }
  };
  return walk(node);
}

/** Names of the search identifiers a (resolved) condition reads. */
export function conditionIdentifiers(node: ConditionNode, out = new Set<string>()): Set<string> {
  switch (node.t) {
    case 'id':
      out.add(node.name);
      break;
    case 'not':
      conditionIdentifiers(node.arg, out);
      break;
    case 'and':
    case 'or':
      for (const a of node.args) conditionIdentifiers(a, out);
      break;
    case 'of':
      break;
  }
  return out;
}

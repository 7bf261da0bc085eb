// Recursive-descent parser for the SOQL subset. Anything outside it is MALFORMED_QUERY, with
// Salesforce's "ERROR at Row:1:Column:n / unexpected token" message. Like Salesforce, AND and
// OR may not be mixed at one level without parentheses.
import { parseDateTime } from '../values.ts';
import type { CompareOp, Condition, FieldRef, Literal, OrderItem, Query } from './ast.ts';
import { malformed, tokenize, type Token } from './lexer.ts';

const RELATIVE_WITH_N = new Set([
  'LAST_N_DAYS',
  'NEXT_N_DAYS',
  'N_DAYS_AGO',
  'LAST_N_WEEKS',
  'NEXT_N_WEEKS',
  'LAST_N_MONTHS',
  'NEXT_N_MONTHS',
]);
const RELATIVE = new Set([
  'TODAY',
  'YESTERDAY',
  'TOMORROW',
  'LAST_WEEK',
  'THIS_WEEK',
  'NEXT_WEEK',
  'LAST_MONTH',
  'THIS_MONTH',
  'NEXT_MONTH',
  'LAST_90_DAYS',
  'NEXT_90_DAYS',
  'THIS_YEAR',
  'LAST_YEAR',
  'NEXT_YEAR',
]);

class Parser {
  private i = 0;
  constructor(
    private readonly q: string,
    private readonly tokens: Token[],
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    this.i += 1;
    return t;
  }
  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }
  private unexpected(t: Token = this.peek()): never {
    throw malformed(this.q, t.col, `unexpected token: ${t.kind === 'eof' ? '<EOF>' : t.text}`);
  }
  private expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) this.unexpected();
    return this.next();
  }
  private expectPunct(p: string): Token {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== p) this.unexpected();
    return this.next();
  }
  private isPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === p;
  }

  query(): Query {
    this.expectKeyword('SELECT');
    let count = false;
    const fields: FieldRef[] = [];
    if (this.isKeyword('COUNT') && this.peek(1).text === '(') {
      this.next();
      this.expectPunct('(');
      this.expectPunct(')');
      count = true;
    } else {
      fields.push(this.field());
      while (this.isPunct(',')) {
        this.next();
        fields.push(this.field());
      }
    }
    this.expectKeyword('FROM');
    const fromToken = this.next();
    if (fromToken.kind !== 'ident') this.unexpected(fromToken);
    const query: Query = {
      text: this.q,
      count,
      fields,
      from: { name: fromToken.text, col: fromToken.col },
      where: null,
      orderBy: [],
      limit: null,
      offset: null,
    };
    if (this.isKeyword('WHERE')) {
      this.next();
      query.where = this.condition();
    }
    if (this.isKeyword('ORDER')) {
      this.next();
      this.expectKeyword('BY');
      query.orderBy.push(this.orderItem());
      while (this.isPunct(',')) {
        this.next();
        query.orderBy.push(this.orderItem());
      }
    }
    if (this.isKeyword('LIMIT')) {
      this.next();
      query.limit = this.integer();
    }
    if (this.isKeyword('OFFSET')) {
      this.next();
      query.offset = this.integer();
    }
    if (this.peek().kind !== 'eof') this.unexpected();
    return query;
  }

  private integer(): number {
    const t = this.next();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) this.unexpected(t);
    return Number(t.text);
  }

  field(): FieldRef {
    const first = this.next();
    if (first.kind !== 'ident') this.unexpected(first);
    const path = [first.text];
    while (this.isPunct('.')) {
      this.next();
      const part = this.next();
      if (part.kind !== 'ident') this.unexpected(part);
      path.push(part.text);
    }
    if (this.isPunct('(')) this.unexpected(); // functions other than COUNT() are outside the subset
    return { path, col: first.col };
  }

  private orderItem(): OrderItem {
    const field = this.field();
    let descending = false;
    if (this.isKeyword('ASC')) this.next();
    else if (this.isKeyword('DESC')) {
      this.next();
      descending = true;
    }
    let nullsLast = descending; // Salesforce: ASC → NULLS FIRST, DESC → NULLS LAST
    if (this.isKeyword('NULLS')) {
      this.next();
      if (this.isKeyword('FIRST')) nullsLast = false;
      else if (this.isKeyword('LAST')) nullsLast = true;
      else this.unexpected();
      this.next();
    }
    return { field, descending, nullsLast };
  }

  condition(): Condition {
    const first = this.unary();
    if (!this.isKeyword('AND') && !this.isKeyword('OR')) return first;
    const kind = this.peek().text.toUpperCase() === 'AND' ? 'and' : 'or';
    const items = [first];
    while (this.isKeyword(kind.toUpperCase())) {
      this.next();
      items.push(this.unary());
    }
    if (this.isKeyword(kind === 'and' ? 'OR' : 'AND')) this.unexpected(); // mixing needs parentheses
    return { kind, items };
  }

  private unary(): Condition {
    if (this.isKeyword('NOT')) {
      this.next();
      return { kind: 'not', item: this.unary() };
    }
    if (this.isPunct('(')) {
      this.next();
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    return this.predicate();
  }

  private predicate(): Condition {
    const field = this.field();
    if (this.isKeyword('NOT') && this.isKeyword('IN', 1)) {
      this.next();
      this.next();
      return { kind: 'in', field, negated: true, values: this.list() };
    }
    if (this.isKeyword('IN')) {
      this.next();
      return { kind: 'in', field, negated: false, values: this.list() };
    }
    if (this.isKeyword('LIKE')) {
      this.next();
      const t = this.next();
      if (t.kind !== 'string') this.unexpected(t);
      return { kind: 'like', field, pattern: t.value ?? '' };
    }
    const op = this.next();
    if (op.kind !== 'op') this.unexpected(op);
    return { kind: 'compare', field, op: op.text as CompareOp, value: this.literal() };
  }

  private list(): Literal[] {
    this.expectPunct('(');
    const values = [this.literal()];
    while (this.isPunct(',')) {
      this.next();
      values.push(this.literal());
    }
    this.expectPunct(')');
    return values;
  }

  private literal(): Literal {
    const t = this.next();
    if (t.kind === 'string') return { kind: 'string', value: (t.value ?? '').replace(/\\([%_])/g, '$1') };
    if (t.kind === 'number') return { kind: 'number', value: Number(t.text) };
    if (t.kind === 'date') return { kind: 'date', value: t.text };
    if (t.kind === 'datetime') {
      const ms = parseDateTime(t.text);
      if (ms === undefined) this.unexpected(t);
      return { kind: 'datetime', value: ms };
    }
    if (t.kind === 'ident') {
      const word = t.text.toUpperCase();
      if (word === 'NULL') return { kind: 'null' };
      if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE' };
      if (RELATIVE.has(word)) return { kind: 'relative', name: word, n: null };
      if (RELATIVE_WITH_N.has(word)) {
        this.expectPunct(':');
        return { kind: 'relative', name: word, n: this.integer() };
      }
    }
    return this.unexpected(t);
  }
}

export function parseQuery(q: string): Query {
  return new Parser(q, tokenize(q)).query();
}

/** A bare condition (validation rules, report filters) parsed on its own. */
export function parseCondition(text: string): Condition {
  const q = `SELECT Id FROM X WHERE ${text}`;
  const parsed = new Parser(q, tokenize(q)).query();
  if (!parsed.where) throw malformed(q, q.length, 'unexpected token: <EOF>');
  return parsed.where;
}

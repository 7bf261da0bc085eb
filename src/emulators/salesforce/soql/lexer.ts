// SOQL tokens. Strings take the escapes of the SOQL reference (\' \" \\ \n \r \t \b \f \uXXXX,
// and \% \_ kept for LIKE); any other backslash is an error, as in Salesforce.
import { SfError } from '../errors.ts';

export type TokenKind = 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'op' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string; // identifiers keep their case; keywords compare upper-cased
  value?: string; // decoded string literal
  col: number; // 1-based column, for ERROR at Row:1:Column:n
}

export function malformed(query: string, col: number, message: string): SfError {
  const line = query.replace(/\s+/g, ' ');
  const caret = `${' '.repeat(Math.max(0, col - 1))}^`;
  return new SfError(400, 'MALFORMED_QUERY', `\n${line}\n${caret}\nERROR at Row:1:Column:${col}\n${message}`);
}

const ESCAPES: Record<string, string> = { "'": "'", '"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

function readString(q: string, start: number): { value: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < q.length) {
    const c = q[i]!;
    if (c === "'") return { value: out, end: i + 1 };
    if (c === '\\') {
      const next = q[i + 1] ?? '';
      if (ESCAPES[next] !== undefined) {
        out += ESCAPES[next];
        i += 2;
      } else if (next === '%' || next === '_') {
        out += `\\${next}`; // literal only inside LIKE; the LIKE compiler reads the escape
        i += 2;
      } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(q.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(q.slice(i + 2, i + 6), 16));
        i += 6;
      } else throw malformed(q, i + 1, 'Invalid string literal: illegal escape sequence');
    } else {
      out += c;
      i += 1;
    }
  }
  throw malformed(q, start + 1, 'unterminated string literal');
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;

export function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const col = i + 1;
    const rest = q.slice(i);
    if (c === "'") {
      const { value, end } = readString(q, i);
      tokens.push({ kind: 'string', text: q.slice(i, end), value, col });
      i = end;
      continue;
    }
    const dt = DATETIME.exec(rest);
    if (dt) {
      tokens.push({ kind: 'datetime', text: dt[0], col });
      i += dt[0].length;
      continue;
    }
    const d = DATE.exec(rest);
    if (d) {
      tokens.push({ kind: 'date', text: d[0], col });
      i += d[0].length;
      continue;
    }
    const num = /^-?\d+(?:\.\d+)?/.exec(rest);
    if (num) {
      tokens.push({ kind: 'number', text: num[0], col });
      i += num[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], col });
      i += ident[0].length;
      continue;
    }
    const op = /^(?:!=|<>|<=|>=|=|<|>)/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', text: op[0] === '<>' ? '!=' : op[0], col });
      i += op[0].length;
      continue;
    }
    if ('(),.:'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, col });
      i += 1;
      continue;
    }
    throw malformed(q, col, `unexpected token: '${c}'`);
  }
  tokens.push({ kind: 'eof', text: '<EOF>', col: q.length + 1 });
  return tokens;
}

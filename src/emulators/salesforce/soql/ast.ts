// The parsed form of the SOQL subset (digest §5, §15.6).
export interface FieldRef {
  path: string[]; // ['LastName'] or ['Account', 'Name']
  col: number;
}

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; value: number }
  | { kind: 'relative'; name: string; n: number | null };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; field: FieldRef; op: CompareOp; value: Literal }
  | { kind: 'in'; field: FieldRef; negated: boolean; values: Literal[] }
  | { kind: 'like'; field: FieldRef; pattern: string };

export interface OrderItem {
  field: FieldRef;
  descending: boolean;
  nullsLast: boolean;
}

export interface Query {
  text: string;
  count: boolean;
  fields: FieldRef[];
  from: { name: string; col: number };
  where: Condition | null;
  orderBy: OrderItem[];
  limit: number | null;
  offset: number | null;
}

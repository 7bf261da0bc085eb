// SOQL for the emulator: parse, evaluate, project. Compiled conditions are cached because
// validation rules and report filters run the same text many times.
import type { ObjectDef } from '../metadata.ts';
import type { Org } from '../org.ts';
import type { SfRecord } from '../state.ts';
import { compileWhere } from './eval.ts';
import { parseCondition } from './parser.ts';

export { parseQuery, parseCondition } from './parser.ts';
export { runQuery, project, resolveField, wireValue, attributes, type QueryRun, type ResolvedField } from './eval.ts';

const cache = new Map<string, (record: SfRecord) => boolean>();

/** A predicate for a WHERE condition on this object (validation rules, report filters). */
export function compileCondition(org: Org, def: ObjectDef, condition: string): (record: SfRecord) => boolean {
  const key = `${def.name}\u0000${def.modifiedAt}\u0000${condition}`;
  let predicate = cache.get(key);
  if (!predicate) {
    predicate = compileWhere(org, def, parseCondition(condition), condition);
    if (cache.size > 500) cache.clear();
    cache.set(key, predicate);
  }
  return predicate;
}

// The patient list filtered by link status on one system (?hint=errored): patients with a link
// in that status, or `none` for patients with no link on that system.
//
// Listing is ordered by (created_at, id) and paged 50 at a time. Which plan is fast depends on
// how many patients match: for a rare status (a few errored among 100,000) walking patients in
// order and probing each one's links visits nearly all of them, while for a common one (synced)
// collecting every matching link first and sorting them costs a scan of them all. PostgreSQL
// cannot tell the two apart well (it misjudges the join with connections), so this asks first,
// cheaply and bounded: up to RARE matching links are fetched by links_patient_status (migration
// 016); if that is all of them, the list is those ids (a primary-key lookup and a small sort),
// otherwise the status is common and patients are walked in order.
import { z } from 'zod';
import { isUuid } from '../../core/ids.ts';
import type { Queryable } from '../pool.ts';
import type { FilterDef } from './definition.ts';

const RARE = 5000;

async function connectionIds(db: Queryable, practiceId: string, system: string): Promise<string[]> {
  const { rows } = await db.query('SELECT id FROM connections WHERE practice_id = $1 AND system = $2', [
    practiceId,
    system,
  ]);
  return rows.map((r) => String(r.id)).filter(isUuid);
}

export function linkStatusFilter(system: string, values: readonly [string, ...string[]]): FilterDef {
  const linkOf = (connections: string[]) =>
    `SELECT 1 FROM links l WHERE l.practice_id = patients.practice_id AND l.entity_kind = 'patient'
       AND l.local_id = patients.id AND l.connection_id IN (${connections.map((id) => `'${id}'::uuid`).join(', ')})`;
  return {
    schema: z.enum(values, { message: `must be one of ${values.join(', ')}` }),
    condition: 'false AND $n IS NULL', // replaced by resolve()
    async resolve(db, practiceId, value) {
      // Connection ids come from the database and are checked to be UUIDs: safe to inline, and
      // inlined they let PostgreSQL estimate the links of each connection correctly.
      const connections = await connectionIds(db, practiceId, system);
      if (value === 'none')
        return connections.length === 0
          ? { condition: '$n::text IS NOT NULL', value }
          : { condition: `$n::text IS NOT NULL AND NOT EXISTS (${linkOf(connections)})`, value };
      if (connections.length === 0) return { condition: '$n::text IS NULL', value };
      const { rows } = await db.query(
        `SELECT local_id FROM links WHERE practice_id = $1 AND entity_kind = 'patient' AND status = $2
           AND connection_id = ANY($3::uuid[]) LIMIT ${RARE + 1}`,
        [practiceId, value, connections],
      );
      if (rows.length <= RARE) return { condition: 'id = ANY($n::uuid[])', value: rows.map((r) => r.local_id) };
      return { condition: `EXISTS (${linkOf(connections)} AND l.status = $n)`, value };
    },
  };
}

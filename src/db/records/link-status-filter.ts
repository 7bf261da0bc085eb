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

/**
 * In one round trip: the practice's connections on this system and, for a status, up to RARE+1
 * of the patients with a link in that status on them.
 */
async function lookup(
  db: Queryable,
  practiceId: string,
  system: string,
  status: string | null,
): Promise<{ connections: string[]; ids: string[] }> {
  const { rows } = await db.query(
    `WITH c AS (SELECT id FROM connections WHERE practice_id = $1 AND system = $2)
     SELECT ARRAY(SELECT id FROM c) AS connections,
            ARRAY(SELECT local_id FROM links WHERE practice_id = $1 AND entity_kind = 'patient' AND $3::text IS NOT NULL
                    AND status = $3 AND connection_id IN (SELECT id FROM c) LIMIT ${RARE + 1}) AS ids`,
    [practiceId, system, status],
  );
  return { connections: (rows[0].connections as string[]).filter(isUuid), ids: rows[0].ids as string[] };
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
      const { connections, ids } = await lookup(db, practiceId, system, value === 'none' ? null : String(value));
      if (value === 'none')
        return connections.length === 0
          ? { condition: '$n::text IS NOT NULL', value }
          : { condition: `$n::text IS NOT NULL AND NOT EXISTS (${linkOf(connections)})`, value };
      if (connections.length === 0) return { condition: '$n::text IS NULL', value };
      if (ids.length <= RARE) return { condition: 'id = ANY($n::uuid[])', value: ids };
      return { condition: `EXISTS (${linkOf(connections)} AND l.status = $n)`, value };
    },
  };
}

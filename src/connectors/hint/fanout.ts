// The fan-out of canonical invoice changes to a Hint connection: only when the practice's
// system bills (billing: 'practice'); with Hint billing, Hint's invoices are its own. Deletes
// are sent too (a draft is deleted in Hint, an issued invoice voided). One job per invoice,
// coalesced, on the same queue as the invoice's inbound events once it is linked.
import type { ConnectionRef, DomainEvent } from '../../jobs/fanout.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { Tx } from '../../db/pool.ts';
import { readSettings } from './settings.ts';

export async function enqueueInvoicePush(tx: Tx, event: DomainEvent, connection: ConnectionRef): Promise<void> {
  if (readSettings(connection.settings).billing !== 'practice') return;
  const { rows } = await tx.query(
    `SELECT remote_id FROM links WHERE practice_id = $1 AND connection_id = $2 AND entity_kind = 'invoice' AND local_id = $3`,
    [event.practiceId, connection.id, event.entityId],
  );
  const key = rows[0]?.remote_id ?? event.entityId;
  await enqueue(
    tx,
    'hint:push-invoice',
    { practiceId: event.practiceId, connectionId: connection.id, invoiceId: event.entityId },
    { queue: `hint:${connection.id}:${key}`, jobKey: `hint:push-invoice:${connection.id}:${event.entityId}` },
  );
}

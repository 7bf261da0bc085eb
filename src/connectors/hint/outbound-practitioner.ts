// Practitioners both ways. Hint holds one `name` ("Dr. Maya Chen"), email and NPI, and of the
// integration fields only integration_record_id. Linked by that id, then NPI, then exact name;
// created on the missing side per the connection's settings. Same echo rule as patients.
import { findLink, upsertLink } from '../../db/links.ts';
import { inTransaction } from '../../db/pool.ts';
import { practitioners } from '../../db/records/kinds.ts';
import { createRecord, getRecord, updateRecord, type Json } from '../../db/records/repository.ts';
import { NotFoundError } from '../../core/errors.ts';
import { writeLog } from '../../db/logs.ts';
import { findUnlinkedPractitioner } from '../../db/unlinked.ts';
import { savePractitioner } from './client-endpoints.ts';
import { HintApiError } from './client.ts';
import { hashValues } from './mapping-merge.ts';
import { writeContext, type LoadedConnection, type HintDeps } from './connection.ts';
import type { HintPractitioner } from './schemas.ts';

interface PractitionerWire {
  [key: string]: string | null;
  name: string | null;
  email: string | null;
  npi: string | null;
}

const TITLE = /^(Dr|Prof|Mr|Mrs|Ms|Mx)\.?\s+/i;
const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

export function wireFromHint(p: HintPractitioner): PractitionerWire {
  return { name: text(p.name), email: text(p.email), npi: text(p.npi?.number) };
}

export function wireFromCanonical(c: Json): PractitionerWire {
  const name = [c.title, c.firstName, c.lastName].map(text).filter(Boolean).join(' ');
  return { name: name || null, email: text(c.email), npi: text(c.npi) };
}

export function canonicalFromWire(w: PractitionerWire): Json {
  const name = w.name ?? '';
  const title = TITLE.exec(name)?.[0]?.trim() ?? null;
  const words = name.replace(TITLE, '').trim().split(/\s+/).filter(Boolean);
  const lastName = words.length > 1 ? words.pop()! : (words[0] ?? 'Unknown');
  const firstName = words.length > 0 ? words.join(' ') : lastName;
  return { title, firstName, lastName, email: w.email, npi: w.npi && /^\d{10}$/.test(w.npi) ? w.npi : null };
}

const key = (loaded: LoadedConnection, localId: string, remoteId: string) => ({
  practiceId: loaded.connection.practiceId,
  connectionId: loaded.connection.id,
  entityKind: 'practitioner',
  localId,
  remoteId,
});

async function findLocal(deps: HintDeps, loaded: LoadedConnection, p: HintPractitioner): Promise<string | undefined> {
  const c = canonicalFromWire(wireFromHint(p));
  return findUnlinkedPractitioner(deps.db, loaded.connection.practiceId, loaded.connection.id, {
    id: typeof p.integration_record_id === 'string' ? p.integration_record_id : null,
    npi: (c.npi as string | null) ?? null,
    firstName: c.firstName as string,
    lastName: c.lastName as string,
  });
}

export async function absorbPractitioner(
  deps: HintDeps,
  loaded: LoadedConnection,
  p: HintPractitioner,
  destroyed = false,
): Promise<'linked' | 'created' | 'updated' | 'unchanged' | 'stale' | 'skipped'> {
  const { db } = deps;
  const wire = wireFromHint(p);
  const hash = hashValues(wire);
  const link = await findLink(db, loaded.connection.practiceId, loaded.connection.id, 'practitioner', {
    remoteId: p.id,
  });
  if (destroyed) {
    if (link) await upsertLink(db, key(loaded, link.localId, p.id), { remoteState: 'destroyed' });
    return link ? 'updated' : 'skipped';
  }
  if (link) {
    if (link.remoteVersion && p.updated_at && Date.parse(p.updated_at) < Date.parse(link.remoteVersion)) return 'stale';
    if (hash === link.writtenHash || hash === link.readHash) return 'unchanged';
    await updateRecord(db, writeContext(loaded.connection), practitioners, link.localId, canonicalFromWire(wire)).catch(
      (e: unknown) => {
        if (!(e instanceof NotFoundError)) throw e;
      },
    );
    await upsertLink(db, key(loaded, link.localId, p.id), {
      status: 'synced',
      readHash: hash,
      remoteVersion: p.updated_at ?? null,
      synced: true,
    });
    return 'updated';
  }
  const localId = await findLocal(deps, loaded, p);
  if (!localId && !loaded.settings.createInTandem) return 'skipped';
  const linked = await inTransaction(db, async (tx) => {
    const id =
      localId ??
      String((await createRecord(db, writeContext(loaded.connection), practitioners, canonicalFromWire(wire), tx)).id);
    await upsertLink(tx, key(loaded, id, p.id), {
      status: 'synced',
      readHash: hash,
      remoteVersion: p.updated_at ?? null,
      synced: true,
    });
    return id;
  });
  if (p.integration_record_id !== linked) await savePractitioner(deps, loaded, p.id, { integration_record_id: linked });
  return localId ? 'linked' : 'created';
}

export async function pushPractitioner(
  deps: HintDeps,
  loaded: LoadedConnection,
  practitionerId: string,
): Promise<'created' | 'updated' | 'unchanged' | 'skipped' | 'errored'> {
  const { db } = deps;
  let canonical: Json;
  try {
    canonical = await getRecord(db, loaded.connection.practiceId, practitioners, practitionerId);
  } catch (e) {
    if (e instanceof NotFoundError) return 'skipped';
    throw e;
  }
  const link = await findLink(db, loaded.connection.practiceId, loaded.connection.id, 'practitioner', {
    localId: practitionerId,
  });
  if (link?.remoteState === 'destroyed' || (!link && !loaded.settings.createInHint)) return 'skipped';
  const wire = wireFromCanonical(canonical);
  const hash = hashValues(wire);
  if (link && (hash === link.writtenHash || hash === link.readHash)) return 'unchanged';
  const body = {
    name: wire.name,
    email: wire.email,
    // Hint types Npi.number as an integer (10 digits fit a JSON number exactly).
    ...(wire.npi && /^\d{10}$/.test(wire.npi) ? { npi: { number: Number(wire.npi) } } : {}),
    integration_record_id: practitionerId,
  };
  try {
    const saved = await savePractitioner(deps, loaded, link?.remoteId ?? null, body);
    await upsertLink(db, key(loaded, practitionerId, saved.id), {
      status: 'synced',
      errorMessage: null,
      writtenHash: hash,
      remoteVersion: saved.updated_at ?? null,
      synced: true,
    });
    return link ? 'updated' : 'created';
  } catch (error) {
    if (!(error instanceof HintApiError) || error.retryable) throw error;
    if (link)
      await upsertLink(db, key(loaded, practitionerId, link.remoteId), {
        status: 'errored',
        errorMessage: `Hint refused the practitioner (${error.status})`,
      });
    await writeLog(db, loaded.connection.practiceId, {
      level: 'error',
      message: `practitioner cannot sync with Hint (${error.status})`,
      connectionId: loaded.connection.id,
      entityKind: 'practitioner',
      entityId: practitionerId,
    });
    return 'errored';
  }
}

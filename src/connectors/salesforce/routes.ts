// Authenticated routes under /api/v1/salesforce. Admins (access.ts: writes under
// salesforce/connections are admin-only): connect with the JWT bearer flow or start the
// web-server flow, verify the org, settings, deactivate, start batches. Staff: a contact's page
// ("Sync to Hint"): the contact and its link, live search of Hint patients, link, create, unlink.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { getConnection, listConnections, updateConnection, type Connection } from '../../db/connections.ts';
import { findLink, findLinksByLocalId, linksFor } from '../../db/links.ts';
import { searchLinkedPatients } from '../../db/patient-search.ts';
import { patients } from '../../db/records/kinds.ts';
import { getRecord } from '../../db/records/repository.ts';
import { parseOrThrow } from '../../core/validation.ts';
import { activate, authorizeFor, connectWithJwt, deactivate, startWebFlow } from './activation.ts';
import { activePause, resumeNow } from './allowance.ts';
import type { CaptureManager } from './capture.ts';
import { reconcileHealthOf } from './reconcile.ts';
import { loadConnection, type SalesforceCredentials, type SalesforceDeps } from './connection.ts';
import { readCredentials } from '../../db/connections.ts';
import { nsName } from './mapping-fields.ts';
import { createPatientFromContact, linkContact, readContact, unlinkContact } from './link.ts';
import { applySettingsPatch, readSettings, settingsPatchSchema, settingsSchema } from './settings.ts';
import { getSyncState } from './store.ts';
import { batchRoutes } from './routes-batches.ts';

const CONTACT_ID = /^003[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/;
const contactIdSchema = z.string().regex(CONTACT_ID, 'must be a Contact id (003…, 15 or 18 characters)');
const url = z.string().trim().url('must be a URL like https://login.salesforce.com');
const settingsInput = settingsPatchSchema.optional();

const jwtBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    loginUrl: url.optional(),
    clientId: z.string().trim().min(10, "must be the connected app's consumer key").max(300).optional(),
    username: z.string().trim().min(3, "must be the integration user's username").max(200),
    privateKeyPem: z
      .string()
      .trim()
      .regex(/-----BEGIN (RSA )?PRIVATE KEY-----/, 'must be a PEM private key'),
    settings: settingsInput,
  })
  .strict();
const webBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    loginUrl: url.optional(),
    clientId: z.string().trim().min(10, "must be the connected app's consumer key").max(300).optional(),
    clientSecret: z.string().trim().min(1).max(300).optional(),
    settings: settingsInput,
  })
  .strict();
const patchBody = z.object({ name: z.string().trim().min(1).max(200).optional(), settings: settingsInput }).strict();
const linkBody = z
  .object({ patientId: z.uuid({ message: 'must be a patient id' }), connectionId: z.uuid().optional() })
  .strict();
const connectionOnly = z.object({ connectionId: z.uuid().optional() }).strict();
const searchQuery = z.object({ q: z.string().max(100).optional(), connectionId: z.uuid().optional() }).strict();

type IdParams = { Params: { id: string } };
type ContactParams = { Params: { contactId: string } };

export function connectionView(c: Connection, extra: Record<string, unknown> = {}) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    statusMessage: c.statusMessage,
    orgId: c.remoteAccountId,
    settings: readSettings(c.settings),
    verification: (c.health as { verification?: unknown }).verification ?? null,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    ...extra,
  };
}

export function apiRoutes(deps: SalesforceDeps, capture: CaptureManager) {
  const sfConnection = async (request: FastifyRequest<IdParams>): Promise<Connection> => {
    const c = await getConnection(deps.db, request.auth.practiceId, request.params.id);
    if (!c || c.system !== 'salesforce') throw new NotFoundError('Salesforce connection');
    return c;
  };
  const detail = async (c: Connection) => {
    const creds = await readCredentials<SalesforceCredentials>(deps.db, deps.secrets, c.practiceId, c.id);
    const state = await getSyncState(deps.db, c.id);
    return connectionView(c, {
      flow: creds?.flow ?? null,
      instanceUrl: creds?.instanceUrl || null,
      capture: {
        mode: capture.mode(c.id) ?? state.capture,
        replayId: state.replayId,
        pollCursor: state.pollCursor,
        lastReconciledAt: reconcileHealthOf(c.health).lastRunAt ?? null,
      },
      apiAllowancePause: activePause(c.health),
    });
  };
  /** The connection a contact page works in: the one named, or the practice's only active one. */
  const contactConnection = async (practiceId: string, connectionId: string | undefined) => {
    const active = (await listConnections(deps.db, practiceId, 'salesforce')).filter((c) => c.status === 'active');
    const chosen = connectionId ? active.find((c) => c.id === connectionId) : active[0];
    if (!chosen)
      throw new ConflictError('no active Salesforce connection: connect your org first (Connections → Salesforce)', [
        { field: 'connectionId', message: connectionId ? 'is not an active Salesforce connection' : 'none is active' },
      ]);
    if (!connectionId && active.length > 1)
      throw new ValidationError([
        { field: 'connectionId', message: 'several Salesforce connections are active: name one' },
      ]);
    return loadConnection(deps, practiceId, chosen.id);
  };
  const contactIdOf = (request: FastifyRequest<ContactParams>) =>
    parseOrThrow(z.object({ contactId: contactIdSchema }), request.params).contactId;

  return async (api: FastifyInstance): Promise<void> => {
    api.get('/salesforce/connections', async (request) => {
      const list = await listConnections(deps.db, request.auth.practiceId, 'salesforce');
      return { data: await Promise.all(list.map(detail)) };
    });

    api.get('/salesforce/defaults', async () => ({
      loginUrl: deps.sandbox?.loginUrl ?? deps.config.salesforce.loginUrl,
      clientId: deps.sandbox?.clientId ?? deps.config.salesforce.clientId ?? null,
      hasClientSecret: Boolean(deps.sandbox?.clientSecret ?? deps.config.salesforce.clientSecret),
      callbackUrl: `${deps.publicUrl()}/connect/salesforce/callback`,
      sandbox: deps.sandbox ? { username: deps.sandbox.username } : null,
    }));

    api.post('/salesforce/connections/jwt', async (request, reply) => {
      const body = parseOrThrow(jwtBody, request.body ?? {});
      const clientId = body.clientId ?? deps.sandbox?.clientId ?? deps.config.salesforce.clientId;
      if (!clientId)
        throw new ValidationError([{ field: 'clientId', message: "is required (the connected app's consumer key)" }]);
      const result = await connectWithJwt(deps, capture, request.auth.practiceId, {
        ...body,
        clientId,
        loginUrl: body.loginUrl ?? deps.sandbox?.loginUrl ?? deps.config.salesforce.loginUrl,
        settings: body.settings,
      });
      return reply.code(201).send({ connection: await detail(result.connection), verification: result.verification });
    });

    api.post('/salesforce/connections/web', async (request, reply) => {
      const body = parseOrThrow(webBody, request.body ?? {});
      const clientId = body.clientId ?? deps.sandbox?.clientId ?? deps.config.salesforce.clientId;
      if (!clientId)
        throw new ValidationError([{ field: 'clientId', message: "is required (the connected app's consumer key)" }]);
      const { connection, authorizeUrl } = await startWebFlow(deps, request.auth.practiceId, {
        ...body,
        clientId,
        clientSecret: body.clientSecret ?? deps.sandbox?.clientSecret ?? deps.config.salesforce.clientSecret,
        loginUrl: body.loginUrl ?? deps.sandbox?.loginUrl ?? deps.config.salesforce.loginUrl,
      });
      return reply.code(201).send({ connection: await detail(connection), authorizeUrl });
    });

    api.get<IdParams>('/salesforce/connections/:id', async (request) => detail(await sfConnection(request)));

    api.post<IdParams>('/salesforce/connections/:id/reauthorize', async (request) => {
      const c = await sfConnection(request);
      const creds = await readCredentials<SalesforceCredentials>(deps.db, deps.secrets, c.practiceId, c.id);
      if (creds?.flow !== 'web')
        throw new ConflictError(
          'only web-server (OAuth) connections re-authorize in a browser; a JWT connection renews itself',
          [{ field: 'id', message: 'is a JWT bearer connection' }],
        );
      return { authorizeUrl: await authorizeFor(deps, c, creds) };
    });

    api.post<IdParams>('/salesforce/connections/:id/verify', async (request) => {
      const c = await sfConnection(request);
      if (c.status === 'deactivated')
        throw new ConflictError('this connection is deactivated; connect again', [
          { field: 'id', message: 'is deactivated' },
        ]);
      await loadConnection(deps, c.practiceId, c.id, { anyStatus: true }).catch(() => {
        throw new ConflictError('Salesforce access was never granted for this connection; finish connecting first', [
          { field: 'id', message: 'has no Salesforce session' },
        ]);
      });
      const { connection, verification } = await activate(deps, capture, c);
      return { connection: await detail(connection), verification };
    });

    api.patch<IdParams>('/salesforce/connections/:id', async (request) => {
      const c = await sfConnection(request);
      const body = parseOrThrow(patchBody, request.body ?? {});
      const settings = body.settings
        ? applySettingsPatch(readSettings(c.settings), parseOrThrow(settingsPatchSchema, body.settings, 'settings.'))
        : undefined;
      const updated = await updateConnection(deps.db, c.practiceId, c.id, {
        name: body.name,
        settings: settings ? { ...c.settings, ...settingsSchema.parse(settings) } : undefined,
      });
      return detail(updated ?? c);
    });

    // "Try now": the org's allowance was raised (or the day rolled over) before the pause ended.
    api.post<IdParams>('/salesforce/connections/:id/resume', async (request) => {
      const c = await sfConnection(request);
      if (!activePause(c.health))
        throw new ConflictError("this connection is not paused at the org's API allowance", [
          { field: 'id', message: 'is not paused' },
        ]);
      const { connection, jobs } = await resumeNow(deps, c, request.auth.actor);
      return { connection: await detail(connection ?? c), jobs };
    });

    api.post<IdParams>('/salesforce/connections/:id/deactivate', async (request) => {
      const c = await sfConnection(request);
      return detail((await deactivate(deps, capture, c.practiceId, c.id)) ?? c);
    });

    // The contact page ("Sync to Hint" and "Unlink Patient" buttons open it).
    api.get<ContactParams>('/salesforce/contacts/:contactId', async (request) => {
      const contactId = contactIdOf(request);
      const q = parseOrThrow(connectionOnly, request.query ?? {});
      const loaded = await contactConnection(request.auth.practiceId, q.connectionId);
      const contact = await readContact(deps, loaded, contactId).catch((e: unknown) => {
        if ((e as { code?: string }).code === 'NOT_FOUND' || (e as { code?: string }).code === 'ENTITY_IS_DELETED')
          throw new NotFoundError('Salesforce contact');
        throw e;
      });
      const link = await findLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'patient', {
        remoteId: contact.Id,
      });
      const ns = loaded.settings.namespace;
      let patient = null;
      if (link) {
        const p = await getRecord(deps.db, loaded.connection.practiceId, patients, link.localId).catch(() => null);
        if (p) patient = (await candidateViews(deps, loaded.connection, [p], contact.Id))[0] ?? null;
      }
      return {
        connection: { id: loaded.connection.id, name: loaded.connection.name },
        contact: {
          id: contact.Id,
          firstName: contact.FirstName ?? null,
          lastName: contact.LastName ?? null,
          birthdate: contact.Birthdate ?? null,
          email: contact.Email ?? null,
          syncedToHint: contact[nsName(ns, 'Synced_to_Hint__c')] === true,
          hintPatientId: contact[nsName(ns, 'Hint_Patient_Id__c')] ?? null,
        },
        link: link
          ? {
              patientId: link.localId,
              status: link.status,
              errorMessage: link.errorMessage,
              remoteState: link.remoteState,
            }
          : null,
        patient,
      };
    });

    api.get<ContactParams>('/salesforce/contacts/:contactId/candidates', async (request) => {
      const contactId = contactIdOf(request);
      const q = parseOrThrow(searchQuery, request.query ?? {});
      const loaded = await contactConnection(request.auth.practiceId, q.connectionId);
      const text = (q.q ?? '').trim();
      if (text.length < 2) return { data: [], hint: 'type at least two characters' };
      const found = await searchLinkedPatients(deps.db, loaded.connection.practiceId, 'hint', text, 20);
      return { data: await candidateViews(deps, loaded.connection, found, contactId) };
    });

    api.post<ContactParams>('/salesforce/contacts/:contactId/link', async (request) => {
      const contactId = contactIdOf(request);
      const body = parseOrThrow(linkBody, request.body ?? {});
      const loaded = await contactConnection(request.auth.practiceId, body.connectionId);
      await getRecord(deps.db, loaded.connection.practiceId, patients, body.patientId).catch(() => {
        throw new ValidationError([{ field: 'patientId', message: 'is not a patient of this practice' }]);
      });
      return linkContact(deps, loaded, contactId, body.patientId, { winner: 'contact', actor: request.auth.actor });
    });

    api.post<ContactParams>('/salesforce/contacts/:contactId/create', async (request, reply) => {
      const contactId = contactIdOf(request);
      const body = parseOrThrow(connectionOnly, request.body ?? {});
      const loaded = await contactConnection(request.auth.practiceId, body.connectionId);
      return reply.code(201).send(await createPatientFromContact(deps, loaded, contactId, request.auth.actor));
    });

    api.post<ContactParams>('/salesforce/contacts/:contactId/unlink', async (request) => {
      const contactId = contactIdOf(request);
      const body = parseOrThrow(connectionOnly, request.body ?? {});
      const loaded = await contactConnection(request.auth.practiceId, body.connectionId);
      const result = await unlinkContact(deps, loaded, contactId, request.auth.actor);
      if (!result)
        throw new ConflictError('this contact is not linked with a patient', [
          { field: 'contactId', message: 'is not linked' },
        ]);
      return { unlinked: true, patientId: result.patientId, contactId };
    });

    await batchRoutes(api, deps);
  };
}

/** What tells people apart in the search: dob, e-mail, phone, membership, and who is linked already. */
async function candidateViews(
  deps: SalesforceDeps,
  connection: Connection,
  found: Record<string, unknown>[],
  contactId: string,
) {
  const ids = found.map((p) => String(p.id));
  const links = await linksFor(deps.db, connection.practiceId, 'patient', ids);
  const sfLinks = await findLinksByLocalId(deps.db, connection.practiceId, connection.id, 'patient', ids);
  return found.map((p) => {
    const id = String(p.id);
    const hint = links.get(id)?.find((l) => l.system === 'hint');
    const sf = sfLinks.get(id);
    const phones = (p.phones as { type: string; number: string }[] | undefined) ?? [];
    return {
      patientId: id,
      firstName: p.firstName,
      lastName: p.lastName,
      dob: p.dob ?? null,
      email: p.email ?? null,
      phone: phones[0]?.number ?? null,
      membershipStatus: (hint?.remoteData.membershipStatus as string | undefined) ?? null,
      hintPatientId: hint?.remoteId ?? null,
      linkedContactId: sf?.remoteId ?? null,
      linkedToThisContact: sf?.remoteId === contactId || (sf?.remoteId?.slice(0, 15) ?? '') === contactId.slice(0, 15),
    };
  });
}

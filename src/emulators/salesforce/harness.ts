// The test harness under /_emulator/ (no auth; a local sandbox): credentials, org setup (deploy
// the integration's package), acting as a Salesforce user, report export, duplicate and
// validation rules, the API allowance, sessions, faults, clock, events, config, reset and seed.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { faultSchema } from '../shared/faults.ts';
import { configSchema } from './config.ts';
import type { SalesforceContext } from './context.ts';
import {
  createRecord,
  deleteRecord,
  liveRecord,
  undeleteRecord,
  updateRecord,
  type Actor,
  type WriteTxn,
} from './dml.ts';
import { notFound, parseWith, SfError } from './errors.ts';
import { ALL_CHANGES } from './events.ts';
import { to15 } from './ids.ts';
import { LOG_OBJECT, nsName, packageContactFields, PACKAGE_BUTTONS } from './metadata.ts';
import { renderRecord } from './rest/records.ts';
import { compileCondition } from './soql/index.ts';
import { Transaction } from './state.ts';

export function credentials(ctx: SalesforceContext) {
  const { org } = ctx;
  const { loginUrl, instanceUrl } = ctx.urls();
  return {
    loginUrl,
    instanceUrl,
    clientId: org.data.app.clientId,
    clientSecret: org.data.app.clientSecret,
    callbackUrls: org.data.app.callbackUrls,
    username: org.integrationUser().username,
    jwt: { privateKeyPem: org.data.app.privateKeyPem, certificatePem: org.data.app.certificatePem },
    orgId: org.data.orgId,
    users: org.data.users.map((u) => ({
      id: u.id,
      username: u.username,
      name: u.name,
      profile: u.profile,
      preAuthorized: u.preAuthorized,
    })),
  };
}

const clockInput = z.object({
  advanceMs: z.number().int().min(0).optional(),
  now: z.string().optional(),
  timeScale: z.number().positive().optional(),
  frozen: z.boolean().optional(),
});

const customFieldInput = z
  .object({
    object: z.enum(['Contact', 'Account']),
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, 'must be an API name ending in __c'),
    label: z.string().min(1).max(40),
    type: z.enum(['string', 'boolean', 'datetime', 'date', 'picklist', 'textarea', 'email', 'phone']),
    length: z.number().int().min(1).max(131072).optional(),
    externalId: z.boolean().optional(),
    unique: z.boolean().optional(),
    caseSensitive: z.boolean().optional(),
    picklistValues: z.array(z.string().min(1)).optional(),
    readOnlyForStandardUsers: z.boolean().optional(),
  })
  .strict();

const orgInput = z
  .object({
    middleName: z.boolean().optional(),
    suffix: z.boolean().optional(),
    genderIdentity: z.boolean().optional(),
  })
  .strict();

const deployInput = z
  .object({
    namespace: z
      .string()
      .regex(/^[a-zA-Z][a-zA-Z0-9]{0,14}$|^$/, 'letters and digits, up to 15')
      .optional(),
    customFields: z.array(customFieldInput).max(200).optional(),
  })
  .strict();

const actInput = z.object({
  as: z.string().optional(), // username; default: the standard (non-integration) user
  fields: z.record(z.string(), z.unknown()).optional(),
});

const ruleInput = z
  .object({
    name: z.string().min(1).max(80),
    object: z.string().min(1),
    errorCondition: z.string().min(1).max(4000),
    message: z.string().min(1).max(255),
    field: z.string().nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();

/** CSV cell, quoted the way Salesforce's report export quotes every cell. */
const cell = (v: unknown) => `"${String(v ?? '').replace(/"/g, '""')}"`;

function harnessActor(ctx: SalesforceContext, username: string | undefined): Actor {
  const user = username ? ctx.org.userByName(username) : ctx.org.standardUser();
  if (!user) throw new SfError(400, 'INVALID_INPUT', `as: no user ${username}`, ['as']);
  return { user, origin: '', allowSave: true };
}

export function harnessRoutes(app: FastifyInstance, ctx: SalesforceContext): void {
  const { org } = ctx;
  const commit = <T>(fn: (w: WriteTxn) => T): T => {
    const w: WriteTxn = { txn: new Transaction(''), changes: [] };
    try {
      const out = fn(w);
      w.txn.commit();
      org.events.publish(w.changes);
      ctx.markDirty();
      return out;
    } catch (error) {
      w.txn.rollback();
      throw error;
    }
  };

  app.get('/_emulator/credentials', async () => credentials(ctx));

  app.get('/_emulator/config', async () => org.config);
  app.patch('/_emulator/config', async (request) => {
    Object.assign(org.config, parseWith(configSchema.partial().strict(), request.body));
    ctx.markDirty();
    return org.config;
  });

  // --- org setup ---
  const setup = () => ({
    ...org.data.org,
    packageDeployed: org.data.org.packageDeployed,
    objects: [...org.schema.keys()],
    buttons: org.data.org.packageDeployed ? PACKAGE_BUTTONS.map((b) => nsName(org.data.org.namespace, b)) : [],
    packageFields: packageContactFields(),
  });
  app.get('/_emulator/setup', async () => setup());
  app.patch('/_emulator/setup', async (request) => {
    Object.assign(org.data.org, parseWith(orgInput, request.body), { deployedAt: org.now() });
    org.rebuildSchema();
    ctx.markDirty();
    return setup();
  });
  app.post('/_emulator/setup/deploy', async (request) => {
    const input = parseWith(deployInput, request.body);
    Object.assign(org.data.org, {
      packageDeployed: true,
      namespace: input.namespace ?? org.data.org.namespace,
      customFields: input.customFields ?? null,
      deployedAt: org.now(),
    });
    org.config.cdc[nsName(org.data.org.namespace, LOG_OBJECT)] ??= false;
    org.rebuildSchema();
    ctx.markDirty();
    return setup();
  });
  app.post('/_emulator/setup/undeploy', async () => {
    Object.assign(org.data.org, { packageDeployed: false, customFields: null, deployedAt: org.now() });
    org.rebuildSchema();
    ctx.markDirty();
    return setup();
  });

  // --- acting as a Salesforce user (the UI): produces change events with an empty changeOrigin ---
  app.post('/_emulator/ui/:sobject', async (request, reply) => {
    const input = parseWith(actInput, request.body);
    const def = org.object((request.params as { sobject: string }).sobject, 'notFound');
    const actor = harnessActor(ctx, input.as);
    const record = commit((w) => createRecord(org, def, input.fields ?? {}, actor, w));
    return reply.code(201).send(renderRecord(org, def, record, `${org.config.maxVersion}.0`));
  });
  app.patch('/_emulator/ui/:sobject/:id', async (request) => {
    const input = parseWith(actInput, request.body);
    const { sobject, id } = request.params as { sobject: string; id: string };
    const def = org.object(sobject, 'notFound');
    const actor = harnessActor(ctx, input.as);
    const record = commit((w) => {
      const r = liveRecord(org, def, id);
      updateRecord(org, def, r, input.fields ?? {}, actor, w);
      return r;
    });
    return renderRecord(org, def, record, `${org.config.maxVersion}.0`);
  });
  app.delete('/_emulator/ui/:sobject/:id', async (request, reply) => {
    const { sobject, id } = request.params as { sobject: string; id: string };
    const def = org.object(sobject, 'notFound');
    const actor = harnessActor(ctx, (request.query as { as?: string }).as);
    commit((w) => deleteRecord(org, def, liveRecord(org, def, id), actor, w));
    return reply.code(204).send();
  });
  app.post('/_emulator/ui/:sobject/:id/undelete', async (request) => {
    const { sobject, id } = request.params as { sobject: string; id: string };
    const def = org.object(sobject, 'notFound');
    const actor = harnessActor(ctx, parseWith(actInput, request.body).as);
    const record = org.find(def.name, id);
    if (!record) throw notFound();
    commit((w) => undeleteRecord(org, def, record, actor, w));
    return renderRecord(org, def, record, `${org.config.maxVersion}.0`);
  });

  // --- a contacts report exported as CSV (Details Only), with or without Salesforce's trailing text block ---
  app.get('/_emulator/report', async (request, reply) => {
    const q = request.query as { where?: string; footer?: string; idLength?: string; limit?: string };
    const def = org.object('Contact');
    const where = q.where ? compileCondition(org, def, q.where) : () => true;
    const limit = q.limit === undefined ? Infinity : Number(q.limit);
    if (!Number.isInteger(limit) && limit !== Infinity)
      throw new SfError(400, 'INVALID_INPUT', 'limit: must be an integer', ['limit']);
    const rows = [...org.table('Contact').values()].filter((r) => !r.deleted && where(r)).slice(0, limit);
    const short = q.idLength !== '18';
    const lines = [
      ['Contact ID', 'First Name', 'Last Name', 'Birthdate', 'Email', 'Account Name'].map(cell).join(','),
      ...rows.map((r) => {
        const account =
          typeof r.values.AccountId === 'string' ? org.table('Account').get(r.values.AccountId) : undefined;
        return [
          short ? to15(r.id) : r.id,
          r.values.FirstName,
          r.values.LastName,
          r.values.Birthdate,
          r.values.Email,
          account?.values.Name,
        ]
          .map(cell)
          .join(',');
      }),
    ];
    if (q.footer !== 'false') {
      const when = new Date(org.now());
      const generated = `${when.getUTCMonth() + 1}/${when.getUTCDate()}/${when.getUTCFullYear()} ${when.toISOString().slice(11, 16)} UTC`;
      lines.push(
        '',
        cell(''),
        cell('Contacts & Accounts'),
        cell(`Copyright (c) 2000-${when.getUTCFullYear()} salesforce.com, inc. All rights reserved.`),
        cell('Confidential Information - Do Not Distribute'),
        cell(`Generated By:  ${org.standardUser().name}  ${generated}`),
        cell('Clinic Demo Org'),
      );
    }
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="report.csv"')
      .send(`${lines.join('\n')}\n`);
  });

  // --- duplicate and validation rules ---
  app.get('/_emulator/rules', async () => ({
    duplicate: org.data.duplicateRule,
    validation: org.data.validationRules,
  }));
  app.put('/_emulator/rules/duplicate', async (request) => {
    org.data.duplicateRule = parseWith(
      z.object({ active: z.boolean(), allowSave: z.boolean().default(false) }).strict(),
      request.body,
    );
    ctx.markDirty();
    return org.data.duplicateRule;
  });
  app.post('/_emulator/rules/validation', async (request, reply) => {
    const input = parseWith(ruleInput, request.body);
    const def = org.object(input.object);
    compileCondition(org, def, input.errorCondition); // a rule that cannot compile is refused now, not at save time
    const rule = { ...input, object: def.name, field: input.field ?? null, active: input.active ?? true };
    org.data.validationRules = [...org.data.validationRules.filter((r) => r.name !== rule.name), rule];
    ctx.markDirty();
    return reply.code(201).send(rule);
  });
  app.delete('/_emulator/rules/validation/:name', async (request, reply) => {
    const name = (request.params as { name: string }).name;
    org.data.validationRules = org.data.validationRules.filter((r) => r.name !== name);
    return reply.code(204).send();
  });

  // --- API allowance and sessions ---
  app.get('/_emulator/limits', async () => ({ used: org.apiUsed(), max: org.config.dailyApiRequests }));
  app.post('/_emulator/limits', async (request) => {
    const input = parseWith(
      z.object({ used: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() }).strict(),
      request.body,
    );
    if (input.max !== undefined) org.config.dailyApiRequests = input.max;
    if (input.used !== undefined) org.setApiUsed(input.used);
    return { used: org.apiUsed(), max: org.config.dailyApiRequests };
  });
  app.post('/_emulator/sessions/expire', async () => ({ expired: ctx.auth.expireSessions() }));
  app.patch('/_emulator/connected-app', async (request) => {
    const input = parseWith(
      z
        .object({
          callbackUrls: z
            .array(z.url({ protocol: /^https?$/ }))
            .max(50)
            .optional(),
          certificatePem: z.string().includes('BEGIN CERTIFICATE').optional(),
        })
        .strict(),
      request.body,
    );
    if (input.callbackUrls) org.data.app.callbackUrls = input.callbackUrls;
    if (input.certificatePem) org.data.app.certificatePem = input.certificatePem;
    ctx.markDirty();
    return credentials(ctx);
  });

  // --- change events ---
  app.get('/_emulator/events', async (request) => {
    const channel = (request.query as { channel?: string }).channel;
    return org.events.retained().filter((e) => !channel || channel === ALL_CHANGES || e.channel === channel);
  });
  app.post('/_emulator/delete-log/purge', async () => {
    org.data.deleteLog = [];
    org.data.deleteLogPurgedBefore = org.now();
    return { purgedBefore: new Date(org.now()).toISOString() };
  });

  // --- faults, clock, reset ---
  app.get('/_emulator/faults', async () =>
    ctx.faults.list().map((f) => ({ ...f, errorCode: ctx.faultCodes.get(f.id) })),
  );
  app.post('/_emulator/faults', async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const { errorCode, ...spec } = body;
    if (errorCode !== undefined && (typeof errorCode !== 'string' || !/^[A-Z_]+$/.test(errorCode)))
      throw new SfError(400, 'INVALID_INPUT', 'errorCode: an upper-case Salesforce error code', ['errorCode']);
    const fault = ctx.faults.add(parseWith(faultSchema, spec));
    if (errorCode) ctx.faultCodes.set(fault.id, errorCode as string);
    return { ...fault, errorCode };
  });
  app.delete('/_emulator/faults', async (_request, reply) => {
    ctx.faults.clear();
    ctx.faultCodes.clear();
    return reply.code(204).send();
  });

  app.get('/_emulator/clock', async () => ctx.clock.state());
  app.post('/_emulator/clock', async (request) => {
    const input = parseWith(clockInput, request.body);
    const now = input.now === undefined ? undefined : Date.parse(input.now);
    if (now !== undefined && Number.isNaN(now))
      throw new SfError(400, 'INVALID_INPUT', 'now: not a timestamp', ['now']);
    if (now !== undefined || input.timeScale !== undefined || input.frozen !== undefined)
      ctx.clock.configure({ now, timeScale: input.timeScale, frozen: input.frozen });
    if (input.advanceMs) ctx.clock.advance(input.advanceMs);
    return ctx.clock.state();
  });

  for (const path of ['/_emulator/reset', '/_emulator/seed']) {
    app.post(path, async (request) => {
      const input = parseWith(
        z
          .object({
            seed: z.number().int().min(0).max(200_000).optional(),
            hintSeed: z.number().int().min(0).optional(),
          })
          .strict(),
        request.body,
      );
      ctx.reset(input.seed ?? (path === '/_emulator/reset' ? ctx.currentSeed() : undefined), input.hintSeed);
      return credentials(ctx);
    });
  }
}

// Connections: one practice's link to one external account. Credentials are sealed with
// AES-256-GCM (SecretBox) before they reach the database and opened only when used.
import { practiceEnabledSql } from './practices.ts';
import type { QueryResultRow } from 'pg';
import type { SecretBox } from '../security/secrets.ts';
import type { Queryable } from './pool.ts';
import { isUuid } from '../core/ids.ts';

export type System = 'hint' | 'healthengine' | 'salesforce';
export type ConnectionStatus = 'pending' | 'active' | 'consent_needed' | 'error' | 'disabled' | 'deactivated';

export interface Connection {
  id: string;
  practiceId: string;
  system: System;
  name: string;
  status: ConnectionStatus;
  statusMessage: string | null;
  remoteAccountId: string | null;
  settings: Record<string, unknown>;
  health: Record<string, unknown>;
  hasCredentials: boolean;
  createdAt: string;
  updatedAt: string;
}

/**
 * What a connector reads off its connection's settings and health figures for the overview:
 * problems in words staff can act on, facts known to be fine, moments worth showing, and the
 * latest moment it last worked (a successful poll, say) when that is not a record sync.
 */
export interface ConnectionHealthReport {
  problems: string[];
  facts: string[];
  times: { label: string; at: string }[];
  lastWorkedAt?: string;
}

const toConnection = (r: QueryResultRow): Connection => ({
  id: r.id,
  practiceId: r.practice_id,
  system: r.system,
  name: r.name,
  status: r.status,
  statusMessage: r.status_message,
  remoteAccountId: r.remote_account_id,
  settings: r.settings,
  health: r.health,
  hasCredentials: r.credentials_encrypted !== null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export interface NewConnection {
  practiceId: string;
  system: System;
  name: string;
  status?: ConnectionStatus;
  statusMessage?: string | null;
  remoteAccountId?: string | null;
  settings?: Record<string, unknown>;
  credentials?: unknown;
}

export async function createConnection(db: Queryable, secrets: SecretBox, c: NewConnection): Promise<Connection> {
  const { rows } = await db.query(
    `INSERT INTO connections (practice_id, system, name, status, status_message, remote_account_id, settings, credentials_encrypted)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [
      c.practiceId,
      c.system,
      c.name,
      c.status ?? 'pending',
      c.statusMessage ?? null,
      c.remoteAccountId ?? null,
      c.settings ?? {},
      c.credentials === undefined ? null : secrets.sealJson(c.credentials),
    ],
  );
  return toConnection(rows[0]);
}

export async function getConnection(db: Queryable, practiceId: string, id: string): Promise<Connection | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query('SELECT * FROM connections WHERE practice_id = $1 AND id = $2', [practiceId, id]);
  return rows[0] ? toConnection(rows[0]) : undefined;
}

/** For webhook receivers, which learn the practice from the connection (never from the payload). */
export async function getConnectionById(db: Queryable, id: string): Promise<Connection | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query('SELECT * FROM connections WHERE id = $1', [id]);
  return rows[0] ? toConnection(rows[0]) : undefined;
}

export async function findConnectionByRemoteAccount(
  db: Queryable,
  system: System,
  remoteAccountId: string,
): Promise<Connection[]> {
  const { rows } = await db.query(
    `SELECT * FROM connections WHERE system = $1 AND remote_account_id = $2 ORDER BY created_at`,
    [system, remoteAccountId],
  );
  return rows.map(toConnection);
}

export async function listConnections(db: Queryable, practiceId: string, system?: System): Promise<Connection[]> {
  const { rows } = await db.query(
    'SELECT * FROM connections WHERE practice_id = $1 AND ($2::text IS NULL OR system = $2) ORDER BY created_at',
    [practiceId, system ?? null],
  );
  return rows.map(toConnection);
}

/** Every active connection to a system, across practices (a connector's periodic sweeps and start-up catch-up). */
/**
 * The active connections of a system whose practice is not disabled: what background work
 * (pollers, reconciliation, maintenance) walks. A disabled practice's connections stay
 * active and resume when it is enabled again (`tandem practice enable`).
 */
export async function listActiveConnections(db: Queryable, system: System): Promise<Connection[]> {
  const { rows } = await db.query(
    `SELECT c.* FROM connections c WHERE c.system = $1 AND c.status = 'active' AND ${practiceEnabledSql('c')}
     ORDER BY c.created_at, c.id`,
    [system],
  );
  return rows.map(toConnection);
}

export async function updateConnection(
  db: Queryable,
  practiceId: string,
  id: string,
  patch: {
    status?: ConnectionStatus;
    statusMessage?: string | null;
    settings?: Record<string, unknown>;
    name?: string;
    remoteAccountId?: string | null;
    health?: Record<string, unknown>;
  },
): Promise<Connection | undefined> {
  const { rows } = await db.query(
    `UPDATE connections SET
       status = coalesce($3, status),
       status_message = CASE WHEN $4::boolean THEN $5 ELSE status_message END,
       settings = coalesce($6, settings),
       name = coalesce($7, name),
       remote_account_id = CASE WHEN $8::boolean THEN $9 ELSE remote_account_id END,
       health = coalesce(health || $10::jsonb, health),
       updated_at = now()
     WHERE practice_id = $1 AND id = $2 RETURNING *`,
    [
      practiceId,
      id,
      patch.status ?? null,
      'statusMessage' in patch,
      patch.statusMessage ?? null,
      patch.settings ?? null,
      patch.name ?? null,
      'remoteAccountId' in patch,
      patch.remoteAccountId ?? null,
      patch.health ? JSON.stringify(patch.health) : null,
    ],
  );
  return rows[0] ? toConnection(rows[0]) : undefined;
}

export async function setCredentials(
  db: Queryable,
  secrets: SecretBox,
  practiceId: string,
  id: string,
  credentials: unknown,
): Promise<void> {
  await db.query(
    'UPDATE connections SET credentials_encrypted = $3, updated_at = now() WHERE practice_id = $1 AND id = $2',
    [practiceId, id, secrets.sealJson(credentials)],
  );
}

export async function readCredentials<T>(
  db: Queryable,
  secrets: SecretBox,
  practiceId: string,
  id: string,
): Promise<T | undefined> {
  const { rows } = await db.query('SELECT credentials_encrypted FROM connections WHERE practice_id = $1 AND id = $2', [
    practiceId,
    id,
  ]);
  const sealed = rows[0]?.credentials_encrypted;
  return sealed ? secrets.openJson<T>(sealed) : undefined;
}

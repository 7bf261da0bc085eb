// Console users and a cookie-keeping HTTP client, for tests of sign-in, sessions, CSRF and
// roles over real HTTP (the browser tests use test/support/browser.ts).
import { ensureUser, setPasswordHash, upsertMembership } from '../../src/db/users.ts';
import type { Queryable } from '../../src/db/pool.ts';
import type { Role } from '../../src/http/schemas/auth.ts';
import { hashPassword } from '../../src/security/passwords.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

/** A user with a password, member of `practiceId` with `role`. */
export async function addUser(
  db: Queryable,
  practiceId: string,
  email: string,
  role: Role,
  password = TEST_PASSWORD,
): Promise<string> {
  const { id } = await ensureUser(db, email);
  await setPasswordHash(db, id, await hashPassword(password));
  await upsertMembership(db, id, practiceId, role);
  return id;
}

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** Speaks to Tandem like the console does: cookies kept, CSRF header echoed on writes. */
export class CookieClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/json';
    const csrf = this.cookies.get('tandem_csrf');
    if ((options.csrf ?? true) && csrf && method !== 'GET') headers['x-csrf-token'] = decodeURIComponent(csrf);
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  signIn(email: string, password = TEST_PASSWORD): Promise<Answer> {
    return this.call('POST', '/api/v1/auth/sign-in', { email, password });
  }
}

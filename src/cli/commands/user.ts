// `tandem user create|list|link|setup-link`: console users from the server's shell. create and
// link print a one-time set-password link (24 h); setup-link prints a new first-admin link.
import { publicUrl } from '../../config.ts';
import { isUuid } from '../../core/ids.ts';
import { createLink, retireLinks } from '../../db/auth-links.ts';
import { ensureDefaultPractice, getPractice } from '../../db/practices.ts';
import { inTransaction } from '../../db/pool.ts';
import { ensureUser, findUserByEmail, getMember, listMembers, upsertMembership } from '../../db/users.ts';
import { setPasswordUrl } from '../../http/routes/users.ts';
import { inviteUserBody } from '../../http/schemas/auth.ts';
import { issueSetupLink } from '../../http/setup-link.ts';
import { parseFlags } from '../args.ts';
import { print, withDatabase, type CliContext } from '../context.ts';
import { CliError } from '../errors.ts';

export const usage = `Usage:
  tandem user create --practice <practiceId> --email <email> --role admin|staff
  tandem user list --practice <practiceId> [--json]
  tandem user link --email <email>
  tandem user setup-link

create adds a user to a practice (or gives an existing user a role there) and prints a one-time
link to choose a password (valid 24 hours). link prints a new such link for an existing user
(a forgotten password). setup-link prints a new first-admin setup link for the default practice
(earlier ones stop working). Links use TANDEM_PUBLIC_URL (default http://127.0.0.1:<PORT>).`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { practice: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' }, json: { type: 'boolean' } },
    usage,
  );
  const practiceFlag = () => {
    if (!values.practice || !isUuid(values.practice))
      throw new CliError(`--practice must be a practice id (see \`tandem practice list\`)\n\n${usage}`);
    return values.practice;
  };
  switch (positionals[0]) {
    case 'create':
      return withDatabase((ctx) => create(ctx, practiceFlag(), values.email, values.role));
    case 'list':
      return withDatabase((ctx) => list(ctx, practiceFlag(), values.json ?? false));
    case 'link':
      return withDatabase((ctx) => link(ctx, values.email));
    case 'setup-link':
      return withDatabase(async ({ config, db }) => {
        const practice = await ensureDefaultPractice(db);
        const { url, expiresAt } = await issueSetupLink(db, practice.id, publicUrl(config, config.port));
        print(`${url}\n(works once, until ${expiresAt})`, false);
        return 0;
      });
    default:
      throw new CliError(usage);
  }
}

async function create(ctx: CliContext, practiceId: string, email?: string, role?: string): Promise<number> {
  const parsed = inviteUserBody.safeParse({ email: email ?? '', role: role ?? '' });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${String(i.path[0])} ${i.message}`).join('; ');
    throw new CliError(`${problems}\n\n${usage}`);
  }
  if (!(await getPractice(ctx.db, practiceId))) throw new CliError(`no practice ${practiceId}`);
  const result = await inTransaction(ctx.db, async (tx) => {
    const { id } = await ensureUser(tx, parsed.data.email);
    await upsertMembership(tx, id, practiceId, parsed.data.role);
    const member = (await getMember(tx, practiceId, id))!;
    if (!member.pending) return { id, link: undefined };
    await retireLinks(tx, { userId: id });
    return { id, link: await createLink(tx, { purpose: 'set-password', userId: id }) };
  });
  const base = publicUrl(ctx.config, ctx.config.port);
  print(
    result.link
      ? `${setPasswordUrl(base, result.link.code)}\n(${parsed.data.role} of ${practiceId}; the link works once, until ${result.link.expiresAt})`
      : `${parsed.data.email} already has a password: they sign in with it and now work in ${practiceId} as ${parsed.data.role}`,
    false,
  );
  return 0;
}

async function list(ctx: CliContext, practiceId: string, json: boolean): Promise<number> {
  const members = await listMembers(ctx.db, practiceId);
  if (json) print(members, true);
  else if (members.length === 0) print('no users', false);
  else
    for (const m of members)
      print(
        `${m.id}  ${m.email}  ${m.role}${m.disabled ? '  disabled' : ''}${m.pending ? '  (no password yet)' : ''}`,
        false,
      );
  return 0;
}

async function link(ctx: CliContext, email?: string): Promise<number> {
  if (!email) throw new CliError(`--email is required\n\n${usage}`);
  const user = await findUserByEmail(ctx.db, email);
  if (!user) throw new CliError(`no user with that email`);
  const created = await inTransaction(ctx.db, async (tx) => {
    await retireLinks(tx, { userId: user.id });
    return createLink(tx, { purpose: 'set-password', userId: user.id });
  });
  print(
    `${setPasswordUrl(publicUrl(ctx.config, ctx.config.port), created.code)}\n(works once, until ${created.expiresAt})`,
    false,
  );
  return 0;
}

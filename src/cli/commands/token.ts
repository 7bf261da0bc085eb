// `tandem token create|list|revoke`: API tokens. A new token is printed once (only its hash is
// stored); a revocation takes effect at once in every running Tandem process.
import { createApiToken, getPractice, listApiTokens, revokeApiToken } from '../../db/practices.ts';
import { parseFlags } from '../args.ts';
import { print, withDatabase } from '../context.ts';
import { CliError } from '../errors.ts';
import { isUuid } from '../../core/ids.ts';

export const usage = `Usage:
  tandem token create --practice <practiceId> [--name NAME]
  tandem token list [--practice <practiceId>] [--all] [--json]
  tandem token revoke <tokenId>

create prints the token once; only its hash is stored. Use it as "Authorization: Bearer <token>".
list shows live tokens (--all: revoked ones too), never the tokens themselves.
revoke stops a token at once, in every running Tandem process.`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { practice: { type: 'string' }, name: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } },
    usage,
  );
  const practiceId = values.practice;
  if (practiceId !== undefined && !isUuid(practiceId))
    throw new CliError(`--practice must be a practice id (see \`tandem practice list\`)\n\n${usage}`);
  switch (positionals[0]) {
    case 'create':
      return create(practiceId, values.name);
    case 'list':
      return list(practiceId, values.all ?? false, values.json ?? false);
    case 'revoke':
      return revoke(positionals[1]);
    default:
      throw new CliError(usage);
  }
}

async function create(practiceId: string | undefined, name: string | undefined): Promise<number> {
  if (!practiceId) throw new CliError(`--practice must be a practice id (see \`tandem practice list\`)\n\n${usage}`);
  const token = await withDatabase(async ({ db }) => {
    if (!(await getPractice(db, practiceId))) throw new CliError(`no practice ${practiceId}`);
    return createApiToken(db, practiceId, name ?? 'cli');
  });
  process.stdout.write(`${token.token}\n`);
  return 0;
}

async function list(practiceId: string | undefined, all: boolean, json: boolean): Promise<number> {
  const tokens = await withDatabase(({ db }) => listApiTokens(db, practiceId, { includeRevoked: all }));
  if (json) print(tokens, true);
  else if (tokens.length === 0) print('no tokens', false);
  else
    for (const t of tokens) {
      const state = t.revokedAt ? `revoked ${t.revokedAt}` : `last used ${t.lastUsedAt ?? 'never'}`;
      print(`${t.id}  ${t.practiceId}  ${t.name}  created ${t.createdAt}  ${state}`, false);
    }
  return 0;
}

async function revoke(tokenId: string | undefined): Promise<number> {
  if (!tokenId || !isUuid(tokenId)) throw new CliError(`give the token's id (see \`tandem token list\`)\n\n${usage}`);
  const found = await withDatabase(({ db }) => revokeApiToken(db, tokenId));
  if (!found) throw new CliError(`no token ${tokenId}`);
  print(`revoked ${tokenId}`, false);
  return 0;
}

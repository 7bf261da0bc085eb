// `tandem token create --practice <id> [--name N]`: prints a new API token once.
import { createApiToken, getPractice } from '../../db/practices.ts';
import { parseFlags } from '../args.ts';
import { withDatabase } from '../context.ts';
import { CliError } from '../errors.ts';
import { isUuid } from '../../core/ids.ts';

export const usage = `Usage: tandem token create --practice <practiceId> [--name NAME]

Prints the token once; only its hash is stored. Use it as "Authorization: Bearer <token>".`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { practice: { type: 'string' }, name: { type: 'string' } }, usage);
  if (positionals[0] !== 'create') throw new CliError(usage);
  const practiceId = values.practice;
  if (!practiceId || !isUuid(practiceId))
    throw new CliError(`--practice must be a practice id (see \`tandem practice list\`)\n\n${usage}`);
  const token = await withDatabase(async ({ db }) => {
    if (!(await getPractice(db, practiceId))) throw new CliError(`no practice ${practiceId}`);
    return createApiToken(db, practiceId, values.name ?? 'cli');
  });
  process.stdout.write(`${token.token}\n`);
  return 0;
}

// `tandem logs [--practice id] [--level debug|error|exception] [--follow] [--json]`
import { readLogs, type LogEntry, type LogLevel } from '../../db/logs.ts';
import { intFlag, parseFlags } from '../args.ts';
import { print, withDatabase } from '../context.ts';
import { CliError } from '../errors.ts';

export const usage = `Usage: tandem logs [--practice <id>] [--level debug|error|exception] [--limit N] [--follow] [--json]

Shows the sync log (ids and reasons, never patient details). --level shows that level and above.`;

const LEVELS = ['debug', 'error', 'exception'];

function line(e: LogEntry): string {
  const about = e.entityKind ? ` ${e.entityKind}:${e.entityId}` : '';
  return `${e.createdAt}  ${e.level.padEnd(9)} ${e.message}${about}${e.connectionId ? ` (connection ${e.connectionId})` : ''}`;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      practice: { type: 'string' },
      level: { type: 'string' },
      limit: { type: 'string' },
      follow: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    usage,
  );
  if (values.level && !LEVELS.includes(values.level)) throw new CliError(`--level must be one of ${LEVELS.join(', ')}`);
  const level = values.level as LogLevel | undefined;
  const limit = intFlag(values.limit, 'limit', 100);
  await withDatabase(async ({ db }) => {
    let afterId = 0;
    const show = async () => {
      const entries = await readLogs(db, values.practice ?? null, { level, afterId, limit });
      for (const e of entries) print(values.json ? JSON.stringify(e) : line(e), false);
      afterId = entries.at(-1)?.id ?? afterId;
    };
    await show();
    if (!values.follow) return;
    let stop = false;
    process.once('SIGINT', () => {
      stop = true;
    });
    while (!stop) {
      await new Promise((r) => setTimeout(r, 1000));
      await show();
    }
  });
  return 0;
}

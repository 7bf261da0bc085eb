// `tandem practice create --name N [--time-zone TZ] [--country CC]`, `tandem practice list`,
// `tandem practice disable|enable <id>`.
import { createPractice, listPractices, setPracticeDisabled } from '../../db/practices.ts';
import { isUuid } from '../../core/ids.ts';
import { parseFlags } from '../args.ts';
import { print, withDatabase } from '../context.ts';
import { CliError } from '../errors.ts';

export const usage = `Usage:
  tandem practice create --name NAME [--time-zone Australia/Sydney] [--country AU] [--json]
  tandem practice list [--json]
  tandem practice disable <practiceId>   its tokens and sessions are refused at once; nothing is deleted
  tandem practice enable <practiceId>`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      name: { type: 'string' },
      'time-zone': { type: 'string' },
      country: { type: 'string' },
      json: { type: 'boolean' },
    },
    usage,
  );
  const action = positionals[0];
  if (action === 'create') {
    if (!values.name?.trim()) throw new CliError(`--name is required\n\n${usage}`);
    const tz = values['time-zone'];
    if (tz) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
      } catch {
        throw new CliError(`--time-zone "${tz}" is not an IANA time zone`);
      }
    }
    if (values.country && !/^[A-Z]{2}$/.test(values.country))
      throw new CliError('--country must be a two-letter ISO code such as AU or US');
    const practice = await withDatabase(({ db }) =>
      createPractice(db, { name: values.name!.trim(), timeZone: tz, country: values.country }),
    );
    print(values.json ? practice : practice.id, values.json ?? false);
    return 0;
  }
  if (action === 'list') {
    const practices = await withDatabase(({ db }) => listPractices(db));
    if (values.json) print(practices, true);
    else
      for (const p of practices) {
        const notes = `${p.isDefault ? '  (default)' : ''}${p.disabledAt ? `  (disabled ${p.disabledAt})` : ''}`;
        print(`${p.id}  ${p.name}${notes}  ${p.timeZone}`, false);
      }
    return 0;
  }
  if (action === 'disable' || action === 'enable') {
    const id = positionals[1];
    if (!id || !isUuid(id)) throw new CliError(`give the practice's id (see \`tandem practice list\`)\n\n${usage}`);
    const found = await withDatabase(({ db }) => setPracticeDisabled(db, id, action === 'disable'));
    if (!found) throw new CliError(`no practice ${id}`);
    print(`${action}d ${id}`, false);
    return 0;
  }
  throw new CliError(usage);
}

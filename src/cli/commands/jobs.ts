// `tandem jobs failed [--practice id] [--json]` and `tandem jobs retry <id>`.
import { listFailedJobs, retryFailedJob } from '../../jobs/failed.ts';
import { parseFlags } from '../args.ts';
import { print, withDatabase } from '../context.ts';
import { CliError } from '../errors.ts';

export const usage = `Usage:
  tandem jobs failed [--practice <id>] [--json]   jobs that used up their attempts, newest first
  tandem jobs retry <jobId>                        run a failed job again with fresh attempts`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { practice: { type: 'string' }, json: { type: 'boolean' } }, usage);
  const [action, id] = positionals;
  if (action === 'failed') {
    const jobs = await withDatabase(({ db }) => listFailedJobs(db, values.practice ?? null));
    if (values.json) print(jobs, true);
    else if (jobs.length === 0) print('no failed jobs', false);
    else
      for (const j of jobs)
        print(
          `${j.id}  ${j.task}  attempts ${j.attempts}/${j.maxAttempts}  ${j.updatedAt}  ${(j.lastError ?? '').split('\n')[0]}`,
          false,
        );
    return 0;
  }
  if (action === 'retry') {
    if (!id || !/^\d+$/.test(id)) throw new CliError(`name the job id to retry\n\n${usage}`);
    const ok = await withDatabase(({ db }) => retryFailedJob(db, id, values.practice ?? null));
    if (!ok) throw new CliError(`no failed job ${id}`, 1);
    print(`job ${id} queued`, false);
    return 0;
  }
  throw new CliError(usage);
}

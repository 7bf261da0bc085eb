// A diagnostic job: writes a debug log line, optionally slow, optionally failing its first N attempts
// (or failing as an external system's answer that no retry can fix, `permanent`).
// Used to smoke-test the workers (`tandem jobs echo`) and by the job-system tests.
import { IntegrationError } from '../../core/errors.ts';
import { writeLog } from '../../db/logs.ts';
import type { TaskHandler } from '../types.ts';

export const echo: TaskHandler<'echo'> = async (payload, { db, attempt }) => {
  if (payload.sleepMs) await new Promise((r) => setTimeout(r, payload.sleepMs));
  if (payload.permanent)
    throw new IntegrationError({ system: 'echo', status: 400, retryable: false, detail: 'refused on purpose' });
  if (payload.failTimes && attempt <= payload.failTimes)
    throw new Error(`echo failing on purpose (attempt ${attempt} of ${payload.failTimes} planned failures)`);
  await writeLog(db, payload.practiceId, { level: 'debug', message: `echo: ${payload.message}`, context: { attempt } });
};

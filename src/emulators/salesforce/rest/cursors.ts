// Query locators: the rest of a result set, served page by page through nextRecordsUrl
// (/services/data/vXX.X/query/0r8…-<offset>), valid two days as in Salesforce.
import { SfError } from '../errors.ts';
import { newRecordId } from '../ids.ts';
import type { Org } from '../org.ts';
import { project, type QueryRun } from '../soql/index.ts';

const TWO_DAYS = 2 * 86_400_000;

interface Cursor {
  run: QueryRun;
  pageSize: number;
  createdAt: number;
}

export interface Page {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}

export class Cursors {
  private cursors = new Map<string, Cursor>();
  private serial = 1;

  constructor(private readonly org: Org) {}

  clear(): void {
    this.cursors.clear();
  }

  private sweep(): void {
    const oldest = this.org.now() - TWO_DAYS;
    for (const [key, c] of this.cursors) if (c.createdAt < oldest) this.cursors.delete(key);
  }

  page(run: QueryRun, pageSize: number, version: string, count: boolean): Page {
    if (count) return { totalSize: run.totalSize, done: true, records: [] };
    if (run.rows.length <= pageSize) return this.slice(run, 0, pageSize, version, null);
    this.sweep();
    const locator = newRecordId('0r8', this.org.data.pod, this.serial++);
    this.cursors.set(locator, { run, pageSize, createdAt: this.org.now() });
    return this.slice(run, 0, pageSize, version, locator);
  }

  more(token: string, version: string): Page {
    const match = /^(0r8[A-Za-z0-9]{15})-(\d+)$/.exec(token);
    const cursor = match ? this.cursors.get(match[1]!) : undefined;
    if (!match || !cursor || cursor.createdAt < this.org.now() - TWO_DAYS)
      throw new SfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    const offset = Number(match[2]);
    if (offset > cursor.run.rows.length) throw new SfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    return this.slice(cursor.run, offset, cursor.pageSize, version, match[1]!);
  }

  private slice(run: QueryRun, offset: number, size: number, version: string, locator: string | null): Page {
    const rows = run.rows.slice(offset, offset + size);
    const records = rows.map((r) => project(this.org, run.fields, r, version));
    const end = offset + rows.length;
    const done = end >= run.rows.length;
    const page: Page = { totalSize: run.totalSize, done, records };
    if (!done && locator) page.nextRecordsUrl = `/services/data/v${version}/query/${locator}-${end}`;
    if (done && locator) this.cursors.delete(locator);
    return page;
  }
}

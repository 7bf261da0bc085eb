// Coalesces many small writes issued at about the same moment into one statement. Callers
// await their own item's result as if they had written alone; items arriving within one
// event-loop turn (or up to `maxBatch`) share a statement. PostgreSQL takes many rows per
// statement far faster than one statement per row, so under load this multiplies throughput,
// and alone an item waits one turn at most. If a batch fails, each of its items is retried
// alone, so only a bad item fails.
export type BatchWriter<I, R> = (items: I[]) => Promise<R[]>;

export class Coalescer<I, R> {
  private pending: { item: I; resolve(result: R): void; reject(error: unknown): void }[] = [];

  constructor(
    private readonly write: BatchWriter<I, R>,
    private readonly maxBatch = 200,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
    });
  }

  private flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.write(batch.map((b) => b.item)).then(
      (results) => batch.forEach((b, i) => b.resolve(results[i] as R)),
      async (error: unknown) => {
        if (batch.length === 1) return batch[0]!.reject(error);
        for (const b of batch) await this.write([b.item]).then((results) => b.resolve(results[0] as R), b.reject);
      },
    );
  }
}

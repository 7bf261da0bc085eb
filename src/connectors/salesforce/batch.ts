// Batches (placeholder until the batch runner lands).
import type { LoadedConnection, SalesforceDeps } from './connection.ts';

export async function runBatch(_deps: SalesforceDeps, _loaded: LoadedConnection, _batchId: string): Promise<void> {}

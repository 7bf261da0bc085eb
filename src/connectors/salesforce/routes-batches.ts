// Batch routes (placeholder until batches land).
import type { FastifyInstance } from 'fastify';
import type { SalesforceDeps } from './connection.ts';

export async function batchRoutes(_api: FastifyInstance, _deps: SalesforceDeps): Promise<void> {}

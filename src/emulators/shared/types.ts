// The one shape every emulator's index.ts exports, so the CLI and sandbox mode can start any of them.
import type { FastifyInstance } from 'fastify';

export interface EmulatorOptions {
  port?: number; // 0 or absent: a free port
  host?: string; // default 127.0.0.1
  seed?: number; // deterministic demo data
  timeScale?: number;
  rateLimit?: number; // requests per second per token; 0 = off
  logger?: boolean;
  /** Keep state in this JSON file across restarts (emulators that support it; in memory otherwise). */
  stateFile?: string;
}

export interface RunningEmulator {
  url: string; // e.g. http://127.0.0.1:4010
  app: FastifyInstance;
  close(): Promise<void>;
}

export type StartEmulator = (options: EmulatorOptions) => Promise<RunningEmulator>;

/**
 * What every emulator folder's index.ts exports: `tandem emulate <folder>` finds it by its
 * folder name (nothing lists the emulators), starts it with startEmulator on defaultPort.
 */
export interface EmulatorModule {
  startEmulator: StartEmulator;
  /** The port `tandem emulate` uses when --port is not given (documented per emulator). */
  defaultPort: number;
}

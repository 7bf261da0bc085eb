// Starts `tandem start` as a child process for a benchmark (its own event loop, as in
// production), on a fresh home directory and a free port, with a bootstrap token.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface BenchTandem { url: string; token: string; child: ChildProcess; stop(): Promise<void> }

export async function startTandemProcess(env: Record<string, string> = {}): Promise<BenchTandem> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'tandem-bench-'));
  const token = 'bench-bootstrap-token-0123456789';
  const child = spawn(process.execPath, ['bin/tandem.js', 'start'], {
    env: { ...process.env, PORT: '0', TANDEM_HOME: home, TANDEM_BOOTSTRAP_TOKEN: token, TANDEM_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*Tandem listening/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`tandem exited (${code}): ${out}`)));
  });
  child.stdout!.resume();
  return {
    url, token, child,
    stop: () => new Promise((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); }),
  };
}

export function machine(): string {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

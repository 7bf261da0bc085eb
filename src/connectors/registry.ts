// Discovers the connectors: every folder in src/connectors with an index.ts default-exporting
// a ConnectorFactory. Adding a platform means adding a folder; nothing here changes. A folder
// whose export does not have every part of the contract (types.ts) stops start-up, naming the
// folder and the part: a connector half-written is a mistake to fix, not a folder to skip.
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  OPTIONAL_PARTS,
  REQUIRED_PARTS,
  type CliCommand,
  type Connector,
  type ConnectorDeps,
  type ConnectorFactory,
} from './types.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export class ConnectorContractError extends Error {
  constructor(
    readonly folder: string,
    readonly problems: string[],
  ) {
    super(`connector folder src/connectors/${folder}: ${problems.join('; ')} (see docs/connectors.md)`);
  }
}

export async function loadConnectors(deps: ConnectorDeps, dir = HERE): Promise<Connector[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const connectors: Connector[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const index = path.join(dir, entry.name, 'index.ts');
    if (!(await exists(index))) continue; // not a connector folder (no index.ts)
    const module = (await import(pathToFileURL(index).href)) as { default?: unknown; cli?: unknown };
    if (typeof module.default !== 'function')
      throw new ConnectorContractError(entry.name, ['index.ts must default-export a ConnectorFactory function']);
    checkCli(entry.name, module.cli);
    connectors.push(checkConnector(entry.name, (module.default as ConnectorFactory)(deps)));
  }
  return connectors;
}

/** The systems with a connector folder (an index.ts), sorted: `tandem <system>` exists for each. */
export async function connectorSystems(dir = HERE): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const systems: string[] = [];
  for (const e of entries.filter((e) => e.isDirectory()))
    if (await exists(path.join(dir, e.name, 'index.ts'))) systems.push(e.name);
  return systems.sort();
}

/** A connector's CLI subcommands (index.ts's `cli` export), checked; empty when it has none. */
export async function loadConnectorCli(system: string, dir = HERE): Promise<Record<string, CliCommand>> {
  const module = (await import(pathToFileURL(path.join(dir, system, 'index.ts')).href)) as { cli?: unknown };
  return checkCli(system, module.cli);
}

/** The `cli` export, if it is a map of subcommands each with a summary, a usage and run(); else why not. */
export function checkCli(folder: string, value: unknown): Record<string, CliCommand> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConnectorContractError(folder, ['export "cli" must be an object of subcommands by name']);
  const problems: string[] = [];
  for (const [name, command] of Object.entries(value)) {
    const c = (command ?? {}) as Partial<CliCommand>;
    if (typeof c.summary !== 'string' || typeof c.usage !== 'string' || typeof c.run !== 'function')
      problems.push(`cli subcommand "${name}" must have summary and usage strings and a run function`);
  }
  if (problems.length) throw new ConnectorContractError(folder, problems);
  return value as Record<string, CliCommand>;
}

/** The connector, if every required part is there and every part has the right kind; else why not. */
export function checkConnector(folder: string, value: unknown): Connector {
  if (typeof value !== 'object' || value === null)
    throw new ConnectorContractError(folder, ['the factory must return a connector object']);
  const c = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const [part, kind] of Object.entries(REQUIRED_PARTS)) {
    if (c[part] === undefined) problems.push(`missing part "${part}" (${kind})`);
    else if (!isKind(c[part], kind)) problems.push(`part "${part}" must be ${article(kind)} ${kind}`);
  }
  for (const [part, kind] of Object.entries(OPTIONAL_PARTS))
    if (c[part] !== undefined && !isKind(c[part], kind))
      problems.push(`part "${part}" must be ${article(kind)} ${kind}`);
  if (typeof c.system === 'string' && c.system !== folder)
    problems.push(`part "system" is "${c.system}" but must be the folder's name`);
  if (problems.length) throw new ConnectorContractError(folder, problems);
  return value as Connector;
}

const article = (kind: string) => (/^[aeiou]/.test(kind) ? 'an' : 'a');

function isKind(value: unknown, kind: string): boolean {
  switch (kind) {
    case 'array':
      return Array.isArray(value);
    case 'zod schema':
      return (
        typeof value === 'object' &&
        value !== null &&
        typeof (value as { safeParse?: unknown }).safeParse === 'function'
      );
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return typeof value === kind;
  }
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

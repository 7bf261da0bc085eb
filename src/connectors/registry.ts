// Discovers the connectors: every folder in src/connectors with an index.ts default-exporting
// a ConnectorFactory. Adding a platform means adding a folder; nothing here changes. A folder
// whose export does not have every part of the contract (types.ts) stops start-up, naming the
// folder and the part: a connector half-written is a mistake to fix, not a folder to skip.
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OPTIONAL_PARTS, REQUIRED_PARTS, type Connector, type ConnectorDeps, type ConnectorFactory } from './types.ts';

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
    const module = (await import(pathToFileURL(index).href)) as { default?: unknown };
    if (typeof module.default !== 'function')
      throw new ConnectorContractError(entry.name, ['index.ts must default-export a ConnectorFactory function']);
    connectors.push(checkConnector(entry.name, (module.default as ConnectorFactory)(deps)));
  }
  return connectors;
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

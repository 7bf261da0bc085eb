// Discovers the connectors: every folder in src/connectors with an index.ts default-exporting
// a ConnectorFactory. Adding a platform means adding a folder; nothing here changes.
import { readdir, access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConnectorDeps, Connector, ConnectorFactory } from './types.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export async function loadConnectors(deps: ConnectorDeps): Promise<Connector[]> {
  const entries = await readdir(HERE, { withFileTypes: true });
  const connectors: Connector[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const index = path.join(HERE, entry.name, 'index.ts');
    if (
      !(await access(index).then(
        () => true,
        () => false,
      ))
    )
      continue;
    const module = (await import(pathToFileURL(index).href)) as { default?: ConnectorFactory };
    if (typeof module.default === 'function') connectors.push(module.default(deps));
  }
  return connectors;
}

#!/usr/bin/env node
// Entry point for `tandem` / `npm start`: TypeScript is run directly through tsx,
// so there is no build step between a checkout and a running server.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

// The console's build: Vite with its root in src/web, output in dist/web (gitignored).
// `npm install` / `npm ci` run it through the package's `prepare` script, and `npm start`
// re-runs it when a source under src/web is newer than the build (src/http/console-build.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: path.join(here, 'src/web'),
  plugins: [react()],
  // Served by Tandem at `/`; hashed assets under /assets/ are cached forever.
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: path.join(here, 'dist/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    reportCompressedSize: false,
    // Mantine and React form one ~500 KB (about 150 KB gzip) entry chunk; pages are split off.
    chunkSizeWarningLimit: 700,
    // Two pages: the console, and the app Hint frames (served by src/connectors/hint/app/routes.ts).
    rollupOptions: {
      input: {
        console: path.join(here, 'src/web/index.html'),
        hintApp: path.join(here, 'src/web/hint-app.html'),
      },
    },
  },
  server: {
    // `npx vite` during development: the API comes from a Tandem on 8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});

// The web app's build: root web/, output web/dist (served by the API server with an SPA
// fallback). `npm run dev:web` serves it with hot reload and sends /api to a running server
// (QC_API, default http://127.0.0.1:3000).
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  server: {
    port: Number(process.env.QC_WEB_PORT ?? 5173),
    proxy: { '/api': { target: process.env.QC_API ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1400,
    rolldownOptions: {
      output: {
        // React changes rarely: keep it apart from the app's own code so a new release does not
        // make every browser download it again. Ant Design is left to the bundler, which splits
        // it along the lazy pages (the log-in page does not load the table or the date picker);
        // ECharts and Leaflet likewise stay in the chunks of the pages that draw charts and maps.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/, priority: 30 },
          ],
        },
      },
    },
  },
});

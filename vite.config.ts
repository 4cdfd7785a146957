import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The workspace UI: built once at install time (npm's `prepare`) into dist/ui, which `daylight serve` serves.
export default defineConfig({
  root: resolve('src/workspace/ui'),
  plugins: [react()],
  build: {
    outDir: resolve('dist/ui'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2048,
  },
});

import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

// The console is served by taoli-upstream under /console/ (src/console/assets.rs),
// with a Content-Security-Policy of 'self' scripts: no inline scripts, no eval.
// In development, `npm run dev` proxies the API to a local upstream.
const upstream = process.env.TAOLI_UPSTREAM_URL || 'http://127.0.0.1:8750'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [vue()],
  clearScreen: false,
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  server: {
    proxy: { '/console/api': { target: upstream, changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2021',
    // Element Plus is imported whole and the files are embedded in the binary.
    chunkSizeWarningLimit: 4096,
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.spec.ts'],
    css: false,
    restoreMocks: true,
    server: { deps: { inline: ['element-plus'] } },
  },
})

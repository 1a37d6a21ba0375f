import path from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = path.dirname(fileURLToPath(import.meta.url));
/** Where `npm run dev` forwards API, media and collaboration traffic (the API server's port). */
const api = process.env.GENJED_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 4280}`;

export default defineConfig({
  root: here,
  base: "/",
  plugins: [react()],
  resolve: {
    // One copy of yjs in the bundle: two copies break `instanceof` checks inside Yjs.
    dedupe: ["yjs"],
  },
  build: {
    outDir: path.join(here, "dist"),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: Number(process.env.GENJED_EDITOR_PORT ?? 5173),
    strictPort: false,
    proxy: {
      "/api": { target: api, changeOrigin: false },
      "/media": { target: api, changeOrigin: false },
      "/collab": { target: api.replace(/^http/, "ws"), ws: true },
    },
  },
});

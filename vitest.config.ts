import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{schemas,nodes,engine,server,db,editor/src,test}/**/*.test.{ts,tsx}"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more forks only fight over them and over PostgreSQL.
    maxWorkers: 2,
    pool: "forks",
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["schemas/**/*.test.ts", "nodes/**/*.test.ts", "engine/**/*.test.ts", "server/**/*.test.ts", "db/**/*.test.ts", "editor/src/**/*.test.{ts,tsx}", "test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more forks only fight over them and over PostgreSQL.
    maxWorkers: 2,
    pool: "forks",
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more forks only fight over them and over PostgreSQL.
    maxWorkers: 2,
    pool: "forks",
    reporters: ["default", "./test/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["schemas/**/*.test.ts", "lib/**/*.test.ts", "nodes/**/*.test.ts", "engine/**/*.test.ts", "services/**/*.test.ts", "server/**/*.test.ts", "db/**/*.test.ts", "editor/src/**/*.test.{ts,tsx}", "test/**/*.test.ts"],
          globalSetup: ["./test/global-setup.ts"],
        },
      },
      {
        // Real browser against `genjed start` (editor/e2e/global-setup.ts builds and starts it).
        extends: true,
        test: {
          name: "e2e",
          include: ["editor/e2e/**/*.e2e.test.ts"],
          globalSetup: ["./editor/e2e/global-setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          // One server and one browser at a time on two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});

/**
 * `genjed` command line: start | worker | migrate | validate FILE | run FILE [--json] [--budget USD] | sign-in-link EMAIL | dev
 */
import { parseArgs } from "node:util";
import { readConfig } from "./config.js";

const HELP = `Usage: genjed <command> [options]

Commands:
  start                 start PostgreSQL (embedded unless DATABASE_URL), the server, worker and scheduler
  worker                run a worker only (scale out against the same DATABASE_URL)
  migrate               apply database migrations and exit
  validate FILE         check a graph document; prints every error with where it is
  run FILE              run a graph document headless; exit code 0 only when the run succeeds
      --json            print the final run object as JSON on stdout
      --budget USD      stop before any paid node that would take the run over USD
      --input NODE.FIELD=VALUE   override a node's config for this run (JSON or text; @file.json reads a file); repeatable
      --inputs FILE     overrides from a JSON file: { "nodeId": { "field": value } }
  sign-in-link EMAIL    print a one-time sign-in link for an existing account (forgotten password,
                        lost invitation); using it sets a new password
      --url BASE        the server's address in the link (default http://HOST:PORT)
  dev                   start the server with the editor in hot-reload mode (Vite)

Environment: PORT (4280), HOST (127.0.0.1), GENJED_HOME (./.genjed), DATABASE_URL,
REPLICATE_API_TOKEN, REPLICATE_BASE_URL, GENJED_CONCURRENCY (4).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "start":
      return (await import("./commands/start.js")).startCommand({ dev: false });
    case "dev":
      return (await import("./commands/start.js")).startCommand({ dev: true });
    case "worker":
      return (await import("./commands/start.js")).workerCommand();
    case "migrate":
      return (await import("./commands/start.js")).migrateCommand();
    case "validate": {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (positionals.length !== 1) return usage("validate takes one FILE");
      return (await import("./commands/run.js")).validateCommand(positionals[0]);
    }
    case "run": {
      const { positionals, values } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { json: { type: "boolean", default: false }, budget: { type: "string" }, input: { type: "string", multiple: true }, inputs: { type: "string" } },
      });
      if (positionals.length !== 1) return usage("run takes one FILE");
      const budget = values.budget === undefined ? undefined : Number(values.budget);
      if (budget !== undefined && (!Number.isFinite(budget) || budget < 0)) return usage(`--budget must be a number of USD, got "${values.budget}"`);
      const overrides = await (await import("./commands/run-inputs.js")).parseRunInputs(values.input ?? [], values.inputs);
      return (await import("./commands/run.js")).runCommand(positionals[0], { json: values.json!, budgetUsd: budget, overrides });
    }
    case "sign-in-link": {
      const { positionals, values } = parseArgs({ args: rest, allowPositionals: true, options: { url: { type: "string" } } });
      if (positionals.length !== 1) return usage("sign-in-link takes one EMAIL (the account's sign-in address)");
      return (await import("./commands/sign-in-link.js")).signInLinkCommand(positionals[0], { url: values.url });
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(HELP);
      return command === undefined ? 1 : 0;
    default:
      return usage(`unknown command "${command}"`);
  }
}

function usage(problem: string): number {
  console.error(`genjed: ${problem}\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // Known problems are one clear line; anything else still gets a short message, not a stack.
    console.error(`genjed: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.GENJED_DEBUG) console.error(err);
    process.exitCode = 1;
  },
);

export { readConfig };

// Checks the built package as users load it: needs `pnpm build` (scripts/setup.sh runs it before the tests).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

/** Resolves a web-identity provider whose token file is missing, and reports the error as the app sees it. */
const script = (load: "require" | "import") => `
  const load = ${load === "require" ? "async (name) => require(name)" : "(name) => import(name)"};
  (async () => {
    const { fromEnvironmentAware } = await load("@workload-identity/credentials");
    const { WorkloadIdentityError } = await load("@workload-identity/refresh");
    try {
      await fromEnvironmentAware()();
      console.log(JSON.stringify({ resolved: true }));
    } catch (error) {
      console.log(JSON.stringify({ code: error.code, sameClass: error instanceof WorkloadIdentityError }));
    }
  })();
`;

describe("the built package", () => {
  it("has been built (run `pnpm build`)", () => {
    expect(existsSync(`${packageDir}/dist/index.cjs`) && existsSync(`${packageDir}/dist/index.mjs`)).toBe(true);
  });

  it.each(["require", "import"] as const)(
    "loads the lazily imported providers from the same build under %s, so instanceof works",
    async (load) => {
      const args = load === "require" ? ["-e", script(load)] : ["--input-type=module", "-e", script(load)];
      const { stdout } = await run(process.execPath, args, {
        cwd: packageDir,
        env: {
          PATH: process.env.PATH ?? "",
          AWS_WEB_IDENTITY_TOKEN_FILE: "/nonexistent/token",
          AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/app",
          AWS_REGION: "eu-west-1",
        },
      });
      expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}")).toEqual({
        code: "WEB_IDENTITY_TOKEN_FILE_UNREADABLE",
        sameClass: true,
      });
    },
  );
});

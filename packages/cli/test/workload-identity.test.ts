// `workload-identity explain|whoami`, run in process against a web identity world (OIDC issuer, STS emulator, a
// projected token), as a pod with IRSA runs it.
import { clearSharedCredentialCache } from "@workload-identity/credentials";
import { findSecretLeaks, startWebIdentityWorld, type WebIdentityWorld } from "@workload-identity/testing";
import { isolateEnvironment } from "@workload-identity/testing/vitest";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../src/workload-identity/run.js";

const ROLE_ARN = "arn:aws:iam::111122223333:role/orders";

let world: WebIdentityWorld;
let token: string;

beforeAll(async () => {
  world = await startWebIdentityWorld({ roleArn: ROLE_ARN, namespace: "shop", serviceAccount: "orders", region: "us-east-1" });
});
afterAll(() => world.close());
beforeEach(async () => {
  clearSharedCredentialCache();
  world.sts.clearFaults();
  // Nothing from this machine's AWS configuration, only the pod's variables.
  isolateEnvironment(world.dir, world.env);
  token = await world.writeToken();
});
afterEach(() => vi.unstubAllEnvs());

/** Runs the CLI; returns its exit code and everything it wrote. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (text) => out.push(text), (text) => err.push(text));
  return { code, out: out.join(""), err: err.join("") };
}

describe("workload-identity", () => {
  it("whoami prints the account, the ARN and the source", async () => {
    const { code, out } = await run("whoami");
    expect(code).toBe(0);
    expect(out).toMatch(/account: 111122223333\narn: arn:aws:sts::111122223333:assumed-role\/orders\/.*\nuser id: .*\nsource: web-identity/);
  });

  it("explain --json is the explanation; the exit code says whether the configuration is usable", async () => {
    const usable = await run("explain", "--json");
    expect(usable.code).toBe(0);
    expect(JSON.parse(usable.out)).toMatchObject({ source: "web-identity", webIdentity: { roleArn: ROLE_ARN } });
    clearSharedCredentialCache();
    vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", "");
    const half = await run("explain");
    expect(half.code).toBe(1);
    expect(half.out).toContain("error: HALF_CONFIGURED_WEB_IDENTITY");
  });

  it.each([["explain", "--yaml"], ["whoami", "--no-resolve"], ["status"], []])("refuses %j as a usage error (exit 2)", async (...argv) => {
    const { code, err } = await run(...(argv as string[]));
    expect(code).toBe(2);
    expect(err).toContain("usage: workload-identity");
  });

  it("prints no token when STS quotes the request back, in either form of either command", async () => {
    world.sts.injectFault({ kind: "echo-request" }, 40);
    const outputs: string[] = [];
    for (const argv of [["whoami"], ["whoami", "--json"], ["explain"], ["explain", "--json"]]) {
      clearSharedCredentialCache();
      const { code, out, err } = await run(...argv);
      expect(code).toBe(1);
      outputs.push(out, err);
    }
    expect(outputs.join("")).toContain("STS_VALIDATION_ERROR");
    expect(findSecretLeaks(outputs, [token, ...token.split(".")])).toEqual([]);
  });
});

// fromEnvironmentAware, explain and whoami when STS hangs or quotes the request back, and when the
// environment holds a bad role ARN: nothing waits forever, no token reaches any output (the process's own
// unhandled-rejection report included), and a value is checked the same way wherever it comes from.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { childProcessEnv, findSecretLeaks, startWebIdentityWorld, type WebIdentityWorld } from "@workload-identity/testing";
import { isolateEnvironment } from "@workload-identity/testing/vitest";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { clearSharedCredentialCache, explain, fromEnvironmentAware } from "../src/index.js";

const ROLE_ARN = "arn:aws:iam::111122223333:role/orders";
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

let world: WebIdentityWorld;
let token: string;

beforeAll(async () => {
  world = await startWebIdentityWorld({ roleArn: ROLE_ARN, namespace: "shop", serviceAccount: "orders", region: "us-east-1" });
});
afterAll(() => world.close());
beforeEach(async () => {
  clearSharedCredentialCache();
  world.sts.clearFaults();
  isolateEnvironment(world.dir, world.env);
  token = await world.writeToken();
});
afterEach(() => vi.unstubAllEnvs());

const tokenParts = () => [token, ...token.split(".")];

describe("an STS that never answers", () => {
  it("fails the IRSA provider at the refresh deadline, not never", async () => {
    world.sts.injectFault({ kind: "hang" }, 10);
    const provider = fromEnvironmentAware({ refresh: { refreshTimeoutMs: 400 } });
    await expect(provider()).rejects.toMatchObject({ code: "REFRESH_TIMEOUT" });
  });
});

describe("an STS that quotes the request (and so the token) back", () => {
  it("leaves the token out of the provider's error and explain's report", async () => {
    world.sts.injectFault({ kind: "echo-request" }, 20);
    const error = await fromEnvironmentAware()().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "STS_VALIDATION_ERROR" });
    clearSharedCredentialCache();
    const explanation = await explain();
    expect(explanation.error?.code).toBe("STS_VALIDATION_ERROR");
    expect(findSecretLeaks([error, explanation], tokenParts())).toEqual([]);
  });

  it("leaves it out of Node's own report of an unhandled rejection", async () => {
    world.sts.injectFault({ kind: "echo-request" }, 20);
    // An app that forgets to catch: Node prints the error, its cause and its properties with util.inspect.
    const program = 'import { fromEnvironmentAware } from "@workload-identity/credentials"; await fromEnvironmentAware()();';
    const run = promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", program], {
      cwd: PACKAGE_DIR,
      env: childProcessEnv({ HOME: world.dir, ...world.env }),
    });
    const failure = (await run.catch((caught: unknown) => caught)) as { code?: number; stdout: string; stderr: string };
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain("STS_VALIDATION_ERROR");
    expect(findSecretLeaks([failure.stdout, failure.stderr], tokenParts())).toEqual([]);
  });
});

describe("the role ARN from the environment", () => {
  it("is refused, naming AWS_ROLE_ARN, before anything is sent", async () => {
    vi.stubEnv("AWS_ROLE_ARN", "not-an-arn\nX-Injected: 1");
    const before = world.sts.callCount;
    await expect(fromEnvironmentAware()()).rejects.toMatchObject({
      code: "INVALID_ENVIRONMENT_VALUE",
      variable: "AWS_ROLE_ARN",
      message: expect.stringContaining('AWS_ROLE_ARN is "not-an-arn\\nX-Injected: 1", not an IAM role ARN'),
    });
    expect(world.sts.callCount).toBe(before);
  });
});

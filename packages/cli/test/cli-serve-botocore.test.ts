import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromContainerMetadata, fromHttp, fromInstanceMetadata, fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { isolateEnvironment } from "@workload-identity/testing/vitest";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../src/roles-anywhere/run.js";
import {
  botocoreCredentials,
  createClock,
  createFakeSource,
  findBotocorePython,
  findOldBotocorePython,
  PLANTED,
} from "./cli-support.js";
import { createTestCliDeps, FLAGS, type TestCliDeps } from "./test-cli-deps.js";

// Polls, never sleeps; generous, as the machine is shared.
const WAIT = { timeout: 15_000, interval: 10 };

// Interoperability of `serve` with AWS's own clients, over a fake CreateSession: what is under test is the IMDSv2 and
// container-credentials protocols. The end-to-end version against the Roles Anywhere emulator is cli-e2e.test.ts.

const python = findBotocorePython();
const botocoreMissing = python === undefined;
const SKIP_REASON = "SKIPPED: no python3 with botocore (install python3-botocore or set BOTOCORE_PYTHON)";
const oldBotocore = findOldBotocorePython();
const oldBotocoreMissing = oldBotocore === undefined;
const OLD_SKIP_REASON = "SKIPPED: Debian's botocore 1.29 not installed (apt-get install python3-botocore)";
const HINT = /may not support AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE.*AWS_CONTAINER_AUTHORIZATION_TOKEN with the token file's content/;

describe("serve, read by AWS clients", () => {
  // Credentials dated from now, since the clients compare the expiration with their own clock.
  const clock = createClock(Date.now());
  const fake = createFakeSource(clock);
  let dir: string;
  let origin: string;
  let tokenFile: string;
  let deps: TestCliDeps;
  let exit: Promise<number>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ra-interop-"));
    tokenFile = join(dir, "token");
    deps = createTestCliDeps({ cwd: dir, now: clock.now, createProvider: (request) => fake.provider(request.refresh) });
    exit = runCli(["serve", ...FLAGS, "--port", "0", "--container-token-file", tokenFile], deps);
    await vi.waitFor(() => {
      const match = /"msg":"serving credentials","port":(\d+)/.exec(deps.written.stderr.join(""));
      if (match === null) throw new Error("not serving yet");
      origin = `http://127.0.0.1:${match[1] ?? ""}`;
    }, WAIT);
  });

  afterAll(async () => {
    deps.shutdown("SIGTERM");
    expect(await exit).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.skipIf(botocoreMissing)(
    `botocore ${python?.version ?? "(missing)"} gets the credentials through IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT)${botocoreMissing ? ` — ${SKIP_REASON}` : ""}`,
    async () => {
      const result = await botocoreCredentials(python as NonNullable<typeof python>, dir, {
        AWS_EC2_METADATA_SERVICE_ENDPOINT: `${origin}/`,
      });
      expect(result).toEqual({
        method: "iam-role",
        accessKey: "ASIAFAKE00000001",
        secretKey: `${PLANTED.secretAccessKey}1`,
        token: `${PLANTED.sessionToken}1`,
      });
    },
  );

  it.skipIf(botocoreMissing)(
    `botocore gets the credentials from the container endpoint with AWS_CONTAINER_AUTHORIZATION_TOKEN${botocoreMissing ? ` — ${SKIP_REASON}` : ""}`,
    async () => {
      const result = await botocoreCredentials(python as NonNullable<typeof python>, dir, {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${origin}/v1/credentials`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: await readFile(tokenFile, "utf8"),
      });
      expect(result).toMatchObject({ method: "container-role", accessKey: "ASIAFAKE00000001" });
    },
  );

  it("SDK v3 fromNodeProviderChain reads the container endpoint with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", async () => {
    isolateEnvironment(dir, { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${origin}/v1/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile });
    const credentials = await fromNodeProviderChain()();
    expect(credentials).toMatchObject({
      accessKeyId: "ASIAFAKE00000001",
      secretAccessKey: `${PLANTED.secretAccessKey}1`,
      sessionToken: `${PLANTED.sessionToken}1`,
    });
    expect(credentials.expiration?.getTime()).toBe(Math.floor((clock.now() + 3_600_000) / 1000) * 1000);
  });

  it("SDK v3 fromContainerMetadata reads the container endpoint with AWS_CONTAINER_AUTHORIZATION_TOKEN", async () => {
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", `${origin}/v1/credentials`);
    vi.stubEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN", await readFile(tokenFile, "utf8"));
    await expect(fromContainerMetadata()()).resolves.toMatchObject({ accessKeyId: "ASIAFAKE00000001" });
  });

  it("SDK v3 fromInstanceMetadata gets the credentials through IMDSv2", async () => {
    vi.stubEnv("AWS_EC2_METADATA_SERVICE_ENDPOINT", `${origin}/`);
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", undefined);
    await expect(fromInstanceMetadata()()).resolves.toMatchObject({
      accessKeyId: "ASIAFAKE00000001",
      sessionToken: `${PLANTED.sessionToken}1`,
    });
  });

  describe("the container token file", () => {
    it.skipIf(botocoreMissing)(
      `botocore ${python?.version ?? "(missing)"} reads the token file serve wrote (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)${botocoreMissing ? ` — ${SKIP_REASON}` : ""}`,
      async () => {
        const result = await botocoreCredentials(python as NonNullable<typeof python>, dir, {
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `${origin}/v1/credentials`,
          AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
        });
        expect(result).toMatchObject({ method: "container-role", accessKey: "ASIAFAKE00000001" });
      },
    );

    it("SDK v3 fromHttp reads the token file serve wrote", async () => {
      const credentials = await fromHttp({
        awsContainerCredentialsFullUri: `${origin}/v1/credentials`,
        awsContainerAuthorizationTokenFile: tokenFile,
        maxRetries: 0,
      })();
      expect(credentials.accessKeyId).toBe("ASIAFAKE00000001");
    });

    it.skipIf(botocoreMissing)(
      `a token file ending in a newline fails inside botocore ${python?.version ?? "(missing)"}, though serve would accept the token${botocoreMissing ? ` — ${SKIP_REASON}` : ""}`,
      async () => {
        const withNewline = join(dir, "token-with-newline");
        await writeFile(withNewline, `${await readFile(tokenFile, "utf8")}\n`);
        await expect(
          botocoreCredentials(python as NonNullable<typeof python>, dir, {
            AWS_CONTAINER_CREDENTIALS_FULL_URI: `${origin}/v1/credentials`,
            AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: withNewline,
          }),
        ).rejects.toThrow(/not a legal header value/);
      },
    );

    it("a token file ending in a newline fails inside SDK v3's fromHttp, though serve would accept the token", async () => {
      const withNewline = join(dir, "token-with-newline");
      await writeFile(withNewline, `${await readFile(tokenFile, "utf8")}\n`);
      const provider = fromHttp({
        awsContainerCredentialsFullUri: `${origin}/v1/credentials`,
        awsContainerAuthorizationTokenFile: withNewline,
        maxRetries: 0,
      });
      await expect(provider()).rejects.toThrow(/ERR_INVALID_CHAR.*Authorization/);
    });

    it("so serve refuses, at start and before any CreateSession, a token file ending in a newline, saying how to write it", async () => {
      const withNewline = join(dir, "given-token");
      await writeFile(withNewline, "given-token\n");
      const callsBefore = fake.calls;
      const refused = createTestCliDeps({ cwd: dir, now: clock.now, createProvider: (request) => fake.provider(request.refresh) });
      const code = await runCli(["serve", ...FLAGS, "--port", "0", "--container-token-file", withNewline], refused);
      expect(code).toBe(1);
      const last = refused.logLines().at(-1) ?? {};
      expect(last).toMatchObject({ msg: "not serving: the container token file is unusable", code: "CONTAINER_TOKEN_FILE" });
      expect(String(last.error)).toContain(`printf '%s' "$TOKEN" > ${withNewline}`);
      expect(fake.calls).toBe(callsBefore); // refused before any CreateSession
    });
  });

  describe("clients older than the token file variable", () => {
    it.skipIf(oldBotocoreMissing)(
      `Debian's botocore ${oldBotocore?.version ?? "1.29"} sends no token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE and is told why by the 401${oldBotocoreMissing ? ` — ${OLD_SKIP_REASON}` : ""}`,
      async () => {
        await expect(
          botocoreCredentials(oldBotocore as NonNullable<typeof oldBotocore>, dir, {
            AWS_CONTAINER_CREDENTIALS_FULL_URI: `${origin}/v1/credentials`,
            AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
          }),
        ).rejects.toThrow(HINT);
      },
    );

    it.skipIf(oldBotocoreMissing)(
      `Debian's botocore ${oldBotocore?.version ?? "1.29"} gets the credentials with AWS_CONTAINER_AUTHORIZATION_TOKEN, and through IMDSv2${oldBotocoreMissing ? ` — ${OLD_SKIP_REASON}` : ""}`,
      async () => {
        const container = await botocoreCredentials(oldBotocore as NonNullable<typeof oldBotocore>, dir, {
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `${origin}/v1/credentials`,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: await readFile(tokenFile, "utf8"),
        });
        expect(container).toMatchObject({ method: "container-role", accessKey: "ASIAFAKE00000001" });
        const imds = await botocoreCredentials(oldBotocore as NonNullable<typeof oldBotocore>, dir, {
          AWS_EC2_METADATA_SERVICE_ENDPOINT: `${origin}/`,
        });
        expect(imds).toMatchObject({ method: "iam-role", accessKey: "ASIAFAKE00000001" });
      },
    );

    it.skipIf(botocoreMissing)(
      `botocore ${python?.version ?? "(missing)"} without any token variable shows the 401's advice in its error${botocoreMissing ? ` — ${SKIP_REASON}` : ""}`,
      async () => {
        await expect(
          botocoreCredentials(python as NonNullable<typeof python>, dir, {
            AWS_CONTAINER_CREDENTIALS_FULL_URI: `${origin}/v1/credentials`,
          }),
        ).rejects.toThrow(HINT);
      },
    );
  });
});

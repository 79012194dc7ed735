import { spawn } from "node:child_process";
import { createPrivateKey } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { type RolesAnywhereWorld, startRolesAnywhereWorld } from "@workload-identity/testing";
import { isolateEnvironment } from "@workload-identity/testing/vitest";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  botocoreCredentials,
  CLI_COMMAND,
  childEnv,
  PACKAGE_DIR,
  findBotocorePython,
  runCliProcess,
  type ServeProcess,
  startServeProcess,
  worldFlags,
} from "./cli-support.js";

// End to end: the real CLI (node --import tsx src/roles-anywhere/main.ts) signs CreateSession for the Roles Anywhere emulator,
// and AWS's own clients (botocore, SDK v3) take what it prints or serves.

const python = findBotocorePython();
const botocoreMissing = python === undefined;
const skipNote = botocoreMissing ? " — SKIPPED: no python3 with botocore (install python3-botocore or set BOTOCORE_PYTHON)" : "";

const ACCOUNT = "111122223333";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/workloads/reader`;
const OTHER_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/admin`;
const PASSPHRASE = "planted-passphrase-e2e-never-printed";
const DAY_MS = 86_400_000;

let world: RolesAnywhereWorld;
/** Lines of the private key's PEM bodies: none may appear in any output. */
let keyLines: string[];
/** Secret keys and session tokens the clients received: none may appear in the sidecar's log. */
const servedSecrets: (string | null | undefined)[] = [];

const flags = (overrides: { certificate?: string; privateKey?: string; roleArn?: string } = {}) => worldFlags(world, overrides);
const lastIssued = () => world.emulator.credentialsIssued().at(-1);

function expectNothingSecret(output: string, secrets: readonly (string | null | undefined)[] = []): void {
  expect(output).not.toContain(PASSPHRASE);
  expect(output).not.toContain("PRIVATE KEY");
  for (const line of keyLines) expect(output).not.toContain(line);
  for (const secret of secrets) if (secret) expect(output).not.toContain(secret);
}

beforeAll(async () => {
  world = await startRolesAnywhereWorld({ account: ACCOUNT, roleArn: ROLE_ARN, leaf: { subject: "CN=e2e.workload.test" } });
  const encrypted = createPrivateKey(world.leaf.privateKeyPem).export({
    format: "pem",
    type: "pkcs8",
    cipher: "aes-256-cbc",
    passphrase: PASSPHRASE,
  }) as string;
  keyLines = [world.leaf.privateKeyPem, encrypted].flatMap((pem) => pem.split("\n").filter((line) => line.length === 64));
  await world.write("encrypted.key", encrypted);
  await world.write("passphrase", `${PASSPHRASE}\n`);
});

afterAll(() => world.close());

describe("roles-anywhere credential-process (end to end)", () => {
  it("prints the credentials CreateSession issued, in the credential_process format", async () => {
    const { code, stdout, stderr } = await runCliProcess(["credential-process", ...flags()], childEnv(world.dir));
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const output = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(output)).toEqual(["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"]);
    expect(output).toMatchObject({ Version: 1, AccessKeyId: lastIssued()?.accessKeyId });
    expect(Date.parse(String(output.Expiration))).toBe(lastIssued()?.expiration.getTime());
    expect(world.emulator.calls.at(-1)).toMatchObject({ status: 201, roleArn: ROLE_ARN, serialNumber: world.leaf.serialNumberDecimal, chainLength: 1 });
  });

  it("exits 1 with one line carrying the service's error, and no secret, when the profile refuses the role", async () => {
    const { code, stdout, stderr } = await runCliProcess(
      ["credential-process", ...flags({ roleArn: OTHER_ROLE_ARN, privateKey: join(world.dir, "encrypted.key") }),
        "--private-key-passphrase-file", join(world.dir, "passphrase")],
      childEnv(world.dir),
    );
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(stderr).toMatch(/^roles-anywhere: ROLES_ANYWHERE_\w+: .*AccessDenied/);
    expectNothingSecret(stderr);
  });

  it("exits 1 naming the problem when the passphrase is missing, without printing key material", async () => {
    const { code, stderr } = await runCliProcess(
      ["credential-process", ...flags({ privateKey: join(world.dir, "encrypted.key") })],
      childEnv(world.dir),
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/^roles-anywhere: ROLES_ANYWHERE_PASSPHRASE_REQUIRED: /);
    expectNothingSecret(stderr);
  });

  it("ends at once on SIGTERM while CreateSession is pending, instead of waiting for its timeout", async () => {
    // An endpoint that accepts the connection and never answers.
    const sockets: Socket[] = [];
    let connected: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => (connected = resolve));
    const silent = createServer((socket) => {
      sockets.push(socket);
      connected();
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    try {
      const [command, ...rest] = CLI_COMMAND as [string, ...string[]];
      const args = [...flags().slice(0, -1), `http://127.0.0.1:${port}`];
      const child = spawn(command, [...rest, "credential-process", ...args], { cwd: PACKAGE_DIR, env: childEnv(world.dir), stdio: "ignore" });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("close", (_code, signal) => resolve(signal)));
      await reached;
      const signalledAt = Date.now();
      child.kill("SIGTERM");
      expect(await exited).toBe("SIGTERM");
      expect(Date.now() - signalledAt).toBeLessThan(5_000); // CreateSession's own timeout is 10 s
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it.skipIf(botocoreMissing)(`botocore${python === undefined ? "" : ` ${python.version}`} reads credentials from credential_process running the CLI${skipNote}`, async () => {
    const config = join(world.dir, "config-process");
    const command = [...CLI_COMMAND, "credential-process", ...flags({ privateKey: join(world.dir, "encrypted.key") }),
      "--private-key-passphrase-file", join(world.dir, "passphrase")].join(" ");
    await writeFile(config, `[default]\ncredential_process = ${command}\n`);
    const before = world.emulator.callCount;
    const result = await botocoreCredentials(python as NonNullable<typeof python>, world.dir, childEnv(world.dir, { AWS_CONFIG_FILE: config }));
    expect(world.emulator.callCount).toBe(before + 1);
    expect(result).toMatchObject({ method: "custom-process", accessKey: lastIssued()?.accessKeyId });
    expect(result.secretKey).toMatch(/\S{20,}/);
    expect(result.token).toMatch(/\S{20,}/);
  });

  it.skipIf(botocoreMissing)(`botocore through credential_process --cache calls CreateSession once for two sessions${skipNote}`, async () => {
    const home = await mkdtemp(join(world.dir, "home-"));
    const config = join(home, "config");
    await writeFile(config, `[default]\ncredential_process = ${[...CLI_COMMAND, "credential-process", "--cache", ...flags()].join(" ")}\n`);
    const before = world.emulator.callCount;
    const first = await botocoreCredentials(python as NonNullable<typeof python>, home, childEnv(home, { AWS_CONFIG_FILE: config }));
    const second = await botocoreCredentials(python as NonNullable<typeof python>, home, childEnv(home, { AWS_CONFIG_FILE: config }));
    expect(world.emulator.callCount).toBe(before + 1);
    expect(second).toEqual(first);
    expect(first.accessKey).toBe(lastIssued()?.accessKeyId);
  });
});

describe("roles-anywhere serve (end to end)", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  describe("one sidecar, read by AWS clients", () => {
    const tokenFile = () => join(world.dir, "container-token");
    let serve: ServeProcess;
    let exitCode: number | null | undefined;

    beforeAll(async () => {
      serve = await startServeProcess(
        [...flags({ privateKey: join(world.dir, "encrypted.key") }), "--private-key-passphrase-file", join(world.dir, "passphrase"),
          "--port", "0", "--container-token-file", tokenFile()],
        childEnv(world.dir),
      );
    });

    afterAll(async () => {
      if (exitCode === undefined) await serve.stop("SIGKILL");
    });

    it("gets its credentials from CreateSession before listening", () => {
      expect(lastIssued()?.roleArn).toBe(ROLE_ARN);
      expect(world.emulator.calls.at(-1)).toMatchObject({ status: 201, serialNumber: world.leaf.serialNumberDecimal });
    });

    it("serves them to SDK v3's default chain through AWS_CONTAINER_CREDENTIALS_FULL_URI and the token file", async () => {
      isolateEnvironment(world.dir, {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${serve.origin}/v1/credentials`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile(),
      });
      const issued = lastIssued();
      const sdk = await fromNodeProviderChain()();
      expect(sdk.accessKeyId).toBe(issued?.accessKeyId);
      expect(sdk.expiration?.getTime()).toBe(Math.floor((issued?.expiration.getTime() ?? 0) / 1000) * 1000);
      servedSecrets.push(sdk.secretAccessKey, sdk.sessionToken);
    });

    it.skipIf(botocoreMissing)(`serves them to botocore through IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT)${skipNote}`, async () => {
      const before = world.emulator.callCount;
      const boto = await botocoreCredentials(
        python as NonNullable<typeof python>,
        world.dir,
        childEnv(world.dir, { AWS_EC2_METADATA_SERVICE_ENDPOINT: `${serve.origin}/` }),
      );
      expect(boto).toMatchObject({ method: "iam-role", accessKey: lastIssued()?.accessKeyId });
      expect(world.emulator.callCount).toBe(before); // served from the sidecar's cache
      servedSecrets.push(boto.secretKey, boto.token);
    });

    it("exits 0 on SIGTERM, removing its token file, having logged no key, passphrase, token or credential", async () => {
      const token = await readFile(tokenFile(), "utf8");
      exitCode = await serve.stop("SIGTERM");
      expect(exitCode).toBe(0);
      await expect(readFile(tokenFile(), "utf8")).rejects.toMatchObject({ code: "ENOENT" });
      const log = serve.stderr();
      const lines = log.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map((line) => line.msg)).toEqual(
        expect.arrayContaining(["credentials refreshed", "serving credentials", "shutting down"]),
      );
      expect(servedSecrets.length).toBeGreaterThan(0);
      expectNothingSecret(log, [...servedSecrets, token]);
    });
  });

  it("fails fast with exit 1 and a clear log line when the first CreateSession fails", async () => {
    const attempt = startServeProcess([...flags({ roleArn: OTHER_ROLE_ARN }), "--port", "0"], childEnv(world.dir));
    const failure = (await attempt.then(
      async (serve) => {
        await serve.stop("SIGKILL");
        throw new Error("serve started although CreateSession was refused");
      },
      (error: unknown) => error,
    )) as { code: number; stderr: string };
    expect(failure.code).toBe(1);
    const last = JSON.parse(failure.stderr.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
    expect(last).toMatchObject({ level: "error", msg: "not serving: the first CreateSession failed" });
    expect(String(last.code)).toMatch(/^ROLES_ANYWHERE_/);
    expect(String(last.error)).toContain("AccessDenied");
    expectNothingSecret(failure.stderr);
  });

  it("warns at start when the certificate expires within a week", async () => {
    const soon = await world.pki.issueLeaf({ subject: "CN=expiring.workload.test", notAfter: new Date(Date.now() + 3 * DAY_MS) });
    await writeFile(join(world.dir, "soon.crt"), soon.certificatePem);
    await writeFile(join(world.dir, "soon.key"), soon.privateKeyPem, { mode: 0o600 });
    const serve = await startServeProcess(
      [...flags({ certificate: join(world.dir, "soon.crt"), privateKey: join(world.dir, "soon.key") }), "--port", "0"],
      childEnv(world.dir),
    );
    expect(await serve.stop("SIGINT")).toBe(0);
    const lines = serve
      .stderr()
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const warning = lines.find((line) => line.msg === "the certificate expires within a week: renew it");
    expect(warning).toMatchObject({ level: "warn", serialNumber: soon.serialNumberDecimal });
    expect(String(warning?.subject)).toContain("expiring.workload.test");
    // Said once: the library's own lines (its expiry warning, its per-session info) are debug lines under serve.
    expect(lines.filter((line) => line.level === "warn")).toHaveLength(1);
    expect(lines.filter((line) => String(line.msg).startsWith("IAM Roles Anywhere:"))).toEqual([]);
  });
});

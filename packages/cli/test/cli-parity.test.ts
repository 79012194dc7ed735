import { spawnSync } from "node:child_process";
import { createPrivateKey } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { childProcessEnv, findSecretLeaks, type RolesAnywhereWorld, startRolesAnywhereWorld } from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBuiltCli, startBuiltCli } from "./built-cli.js";

// The commands and flags AWS's helper has and this CLI took over: read-certificate-data, --role-session-name on every
// credential command, --debug. The built bin against the Roles Anywhere emulator.

let world: RolesAnywhereWorld;
const PASSPHRASE = "planted-debug-passphrase-never-print-4711";
let encryptedKey: string;

const signingFlags = (privateKey = world.files.privateKey) => [
  "--certificate", world.files.certificate,
  "--private-key", privateKey,
  "--intermediates", world.files.certificateChain,
  "--trust-anchor-arn", world.trustAnchorArn,
  "--profile-arn", world.profileArn,
  "--role-arn", world.roleArn,
  "--endpoint", world.emulator.endpoint,
];
const env = (extra: Record<string, string> = {}) => childProcessEnv({ HOME: world.dir, XDG_CACHE_HOME: join(world.dir, "cache"), ...extra });

beforeAll(async () => {
  world = await startRolesAnywhereWorld({ keyType: "rsa2048" });
  const pem = createPrivateKey(world.leaf.privateKeyPem)
    .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASSPHRASE })
    .toString();
  encryptedKey = await world.write("encrypted.key", pem);
  await world.write("passphrase", `${PASSPHRASE}\n`);
});
afterAll(() => world?.close());

describe("roles-anywhere read-certificate-data", () => {
  it("prints the helper's fields (keyType, certificateData, serialNumber, supportedAlgorithms) and the details, as openssl reads them", async () => {
    const run = await runBuiltCli(["read-certificate-data", "--certificate", world.files.certificate], env());
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    const data = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(data).slice(0, 4)).toEqual(["keyType", "certificateData", "serialNumber", "supportedAlgorithms"]);
    const openssl = (...args: string[]) => spawnSync("openssl", ["x509", "-in", world.files.certificate, ...args]);
    const serialHex = openssl("-noout", "-serial").stdout.toString().trim().replace(/^serial=/, "");
    expect(data).toMatchObject({
      keyType: "RSA",
      certificateData: openssl("-outform", "DER").stdout.toString("base64"),
      serialNumber: BigInt(`0x${serialHex}`).toString(10),
      supportedAlgorithms: ["RSASHA256", "RSASHA384", "RSASHA512"],
      subject: "CN=workload.test, O=workload-identity tests",
      issuer: expect.stringContaining("CN=workload-identity test intermediate CA"),
      notAfter: new Date(openssl("-noout", "-enddate").stdout.toString().trim().replace(/^notAfter=/, "")).toISOString(),
      publicKey: "RSA-2048",
      sha256Fingerprint: openssl("-noout", "-fingerprint", "-sha256").stdout.toString().trim().replace(/^.*=/, ""),
    });
    expect(run.stdout).not.toMatch(/PRIVATE KEY/);
  });

  it("reports a file that is not a certificate with the library's typed error, exit 1", async () => {
    const run = await runBuiltCli(["read-certificate-data", "--certificate", world.files.privateKey], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^roles-anywhere: ROLES_ANYWHERE_INVALID_CERTIFICATE: /);
    expect(findSecretLeaks([run.stderr, run.stdout], world.leaf.privateKeyPem.split("\n").filter((line) => line.length > 40))).toEqual([]);
  });
});

describe("--role-session-name reaches CreateSession", () => {
  it("from credential-process", async () => {
    const run = await runBuiltCli(["credential-process", ...signingFlags(), "--role-session-name", "cp-session@host"], env());
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(world.emulator.calls.at(-1)).toMatchObject({ status: 201, roleSessionName: "cp-session@host" });
  });

  it("from serve", async () => {
    const serve = startBuiltCli(["serve", ...signingFlags(), "--port", "0", "--role-session-name", "serve-session"], env());
    await expect.poll(() => serve.stderr(), { timeout: 20_000, interval: 20 }).toContain('"msg":"serving credentials"');
    expect(world.emulator.calls.at(-1)).toMatchObject({ status: 201, roleSessionName: "serve-session" });
    serve.child.kill("SIGTERM");
    expect(await serve.exited).toBe(0);
  });
});

describe("--debug", () => {
  it("says where CreateSession went, with which certificate and algorithm, its request id and time, and no secret", async () => {
    const run = await runBuiltCli(
      ["credential-process", ...signingFlags(encryptedKey), "--private-key-passphrase-file", join(world.dir, "passphrase"), "--debug"],
      env(),
    );
    expect({ code: run.code, stderr: run.stderr.slice(-500) }).toMatchObject({ code: 0 });
    const issued = JSON.parse(run.stdout) as { SecretAccessKey: string; SessionToken: string };
    const call = world.emulator.calls.at(-1);
    expect(run.stderr).toContain(`"endpoint":"${world.emulator.endpoint}","endpointSource":"endpoint"`);
    expect(run.stderr).toContain(`"serialNumber":"${world.leaf.serialNumberDecimal}"`);
    expect(run.stderr).toContain('"signingAlgorithm":"AWS4-X509-RSA-SHA256"');
    expect(run.stderr).toContain(`request id ${call?.requestId ?? "?"}`);
    expect(run.stderr).toMatch(/CreateSession answered in \d+ ms/);
    const keyLines = [...world.leaf.privateKeyPem.split("\n"), ...(await readFile(encryptedKey, "utf8")).split("\n")]
      .filter((line) => line.length >= 40);
    expect(findSecretLeaks([run.stderr], [PASSPHRASE, issued.SecretAccessKey, issued.SessionToken, ...keyLines])).toEqual([]);
  });

  it("on update, logs the file and its lines but never the keys it writes there", async () => {
    const credentialsFile = join(world.dir, "debug-credentials");
    const run = await runBuiltCli(
      ["update", ...signingFlags(encryptedKey), "--private-key-passphrase-file", join(world.dir, "passphrase"), "--once", "--debug"],
      env({ AWS_SHARED_CREDENTIALS_FILE: credentialsFile }),
    );
    expect({ code: run.code, stderr: run.stderr.slice(-500) }).toMatchObject({ code: 0 });
    const text = await readFile(credentialsFile, "utf8");
    const secret = /aws_secret_access_key = (\S+)/.exec(text)?.[1] ?? "missing";
    const token = /aws_session_token = (\S+)/.exec(text)?.[1] ?? "missing";
    expect(run.stderr).toContain('"signingAlgorithm":"AWS4-X509-RSA-SHA256"');
    expect(run.stderr).toContain(`"msg":"credentials file updated","file":"${credentialsFile}","profile":"default"`);
    expect(findSecretLeaks([run.stderr, run.stdout], [PASSPHRASE, secret, token])).toEqual([]);
  });

  it("prints no secret on a failure either (a wrong passphrase)", async () => {
    await writeFile(join(world.dir, "wrong-passphrase"), "wrong-but-planted-passphrase-0042\n");
    const run = await runBuiltCli(
      ["credential-process", ...signingFlags(encryptedKey), "--private-key-passphrase-file", join(world.dir, "wrong-passphrase"), "--debug"],
      env(),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("ROLES_ANYWHERE_PASSPHRASE_INCORRECT");
    expect(findSecretLeaks([run.stderr, run.stdout], ["wrong-but-planted-passphrase-0042", PASSPHRASE])).toEqual([]);
  });
});

// The CLI with a key that never leaves a SoftHSM2 token: `credential-process` and `serve` as child processes, the PIN
// from a file or the environment (never a flag's value), the certificate from the token, against the Roles Anywhere
// emulator. The built library is what the CLI loads (run `pnpm build` first, as for the other CLI tests).
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createSoftHsmToken,
  type RolesAnywhereWorld,
  type SoftHsmToken,
  softHsmUnavailableReason,
  startRolesAnywhereWorld,
} from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, runCliProcess, startServeProcess } from "./cli-support.js";

const unavailable = softHsmUnavailableReason();
// Short, as real PINs are: below the redaction registry's length, so only never writing it keeps it out.
const PIN = "604182";
const WRONG_PIN = "112339";

let world: RolesAnywhereWorld;
let token: SoftHsmToken;
let chainFile: string;
let pinFile: string;

beforeAll(async () => {
  if (unavailable !== undefined) return;
  world = await startRolesAnywhereWorld();
  token = await createSoftHsmToken({ label: "cli-token", pin: PIN });
  const key = await token.generateKey("p256", "0a", "ra-key");
  const certificate = await world.pki.issueCertificateFor(key.publicKeySpki, { subject: "CN=cli.hsm.test" });
  await token.importCertificate(certificate.certificateDer, "0a", "ra-key");
  chainFile = await world.write("chain.pem", world.pki.intermediateCertificatePem);
  pinFile = await world.write("pin.txt", `${PIN}\n`);
});
afterAll(async () => {
  await token?.close();
  await world?.close();
});

function flags(...extra: string[]): string[] {
  return [
    "--private-key", "pkcs11:token=cli-token;object=ra-key;type=private",
    "--pkcs11-lib", token.modulePath,
    "--intermediates", chainFile,
    "--trust-anchor-arn", world.trustAnchorArn,
    "--profile-arn", world.profileArn,
    "--role-arn", world.roleArn,
    "--endpoint", world.emulator.endpoint,
    ...extra,
  ];
}

function env(extra: Record<string, string> = {}): Record<string, string> {
  return childEnv(world.dir, { SOFTHSM2_CONF: token.conf, ...extra });
}

describe.skipIf(unavailable !== undefined)(`roles-anywhere with a PKCS#11 key${unavailable === undefined ? "" : ` (skipped: ${unavailable})`}`, () => {
  it("credential-process signs in the token, with the PIN from --pkcs11-pin-file and the certificate from the token", async () => {
    const result = await runCliProcess(["credential-process", ...flags("--pkcs11-pin-file", pinFile)], env());
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ Version: 1, AccessKeyId: expect.stringMatching(/^ASIA/) });
    expect(world.emulator.calls.at(-1)).toMatchObject({ status: 201, algorithm: "AWS4-X509-ECDSA-SHA256", chainLength: 1 });
  });

  it("credential-process --cache takes the PIN from AWS_ROLES_ANYWHERE_PKCS11_PIN and never writes it to the cache", async () => {
    const home = join(world.dir, "cache-home");
    const childEnvironment = childEnv(home, { SOFTHSM2_CONF: token.conf, AWS_ROLES_ANYWHERE_PKCS11_PIN: PIN });
    const uriWithPin = `pkcs11:token=cli-token;object=ra-key?pin-value=${PIN}`;
    const args = ["credential-process", ...flags("--cache"), "--private-key", uriWithPin];
    const first = await runCliProcess(args, childEnvironment);
    expect(first.code).toBe(0);
    const calls = world.emulator.callCount;
    const second = await runCliProcess(args, childEnvironment);
    expect(second.code).toBe(0);
    expect(world.emulator.callCount).toBe(calls);
    const dir = join(home, "cache");
    const files = await readdir(dir, { recursive: true });
    const contents = await Promise.all(files.filter((file) => file.endsWith(".json")).map((file) => readFile(join(dir, file), "utf8")));
    expect(contents.length).toBeGreaterThan(0);
    for (const content of contents) expect(content).not.toContain(PIN);
  });

  it("a wrong PIN: exit 1, the typed code on stderr, the PIN nowhere", async () => {
    const wrongPinFile = await world.write("wrong-pin.txt", WRONG_PIN);
    const result = await runCliProcess(["credential-process", ...flags("--pkcs11-pin-file", wrongPinFile)], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("ROLES_ANYWHERE_PKCS11_PIN_INCORRECT");
    expect(`${result.stdout}${result.stderr}`).not.toContain(WRONG_PIN);
    expect(`${result.stdout}${result.stderr}`).not.toContain(PIN);
  });

  it("serve hands out credentials signed in the token over IMDSv2", async () => {
    const serve = await startServeProcess([...flags("--port", "0", "--reuse-pin")], env({ AWS_ROLES_ANYWHERE_PKCS11_PIN: PIN }));
    try {
      const imdsToken = await (
        await fetch(`${serve.origin}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" } })
      ).text();
      const response = await fetch(`${serve.origin}/latest/meta-data/iam/security-credentials/workload`, {
        headers: { "x-aws-ec2-metadata-token": imdsToken },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ Code: "Success", AccessKeyId: expect.stringMatching(/^ASIA/) });
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    expect(serve.stderr()).not.toContain(PIN);
  });

  it("a missing module is a typed error naming --pkcs11-lib", async () => {
    const result = await runCliProcess(
      ["credential-process", ...flags("--pkcs11-pin-file", pinFile, "--pkcs11-lib", join(world.dir, "libmissing.so"))],
      env(),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("ROLES_ANYWHERE_PKCS11_MODULE_NOT_LOADABLE");
    expect(result.stderr).toContain("--pkcs11-lib");
  });
});

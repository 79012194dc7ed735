import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  exportPkcs12,
  opensslUnavailableReason,
  type RolesAnywhereWorld,
  startRolesAnywhereWorld,
} from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, runCliProcess } from "./cli-support.js";

// `roles-anywhere credential-process` given only --certificate: a PEM holding the key, or a PKCS#12 bundle made by
// the real openssl (its password in --private-key-passphrase-file), as AWS's helper accepts them.

const unavailable = opensslUnavailableReason();
const PASSWORD = "planted-cli-p12-password-51ab";
let world: RolesAnywhereWorld;
let home: string;

beforeAll(async () => {
  world = await startRolesAnywhereWorld({ keyType: "rsa2048" });
  home = await mkdtemp(join(tmpdir(), "ra-cli-forms-"));
});
afterAll(async () => {
  await world.close();
  await rm(home, { recursive: true, force: true });
});

const flags = (certificate: string, extra: readonly string[] = []) => [
  "credential-process",
  "--certificate", certificate,
  "--trust-anchor-arn", world.trustAnchorArn,
  "--profile-arn", world.profileArn,
  "--role-arn", world.roleArn,
  "--endpoint", world.emulator.endpoint,
  ...extra,
];

describe("roles-anywhere credential-process with --certificate alone", () => {
  it("a combined PEM: prints credentials the emulator issued", async () => {
    const path = await world.write("combined.pem", `${world.leaf.certificatePem}\n${world.leaf.privateKeyPem}\n${world.leaf.chainPem}\n`);
    const { code, stdout, stderr } = await runCliProcess(flags(path), childEnv(home));
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ Version: 1, AccessKeyId: world.emulator.credentialsIssued().at(-1)?.accessKeyId });
  });

  describe.skipIf(unavailable !== undefined)(`a PKCS#12 bundle${unavailable === undefined ? "" : ` — skipped: ${unavailable}`}`, () => {
    it("with its password in --private-key-passphrase-file, never printed", async () => {
      const bundle = await exportPkcs12({
        certificatePem: world.leaf.certificatePem,
        privateKeyPem: world.leaf.privateKeyPem,
        extraCertificatesPem: world.leaf.chainPem,
        password: PASSWORD,
      });
      const path = await world.write("identity.p12", bundle);
      const passwordFile = join(home, "p12-password");
      await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
      const ok = await runCliProcess(flags(path, ["--private-key-passphrase-file", passwordFile]), childEnv(home));
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ AccessKeyId: world.emulator.credentialsIssued().at(-1)?.accessKeyId });
      expect(world.emulator.calls.at(-1)).toMatchObject({ status: 201, chainLength: 1 });

      await writeFile(passwordFile, "wrong-password-for-the-bundle\n", { mode: 0o600 });
      const refused = await runCliProcess(flags(path, ["--private-key-passphrase-file", passwordFile]), childEnv(home));
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain("ROLES_ANYWHERE_PASSPHRASE_INCORRECT");
      expect(refused.stderr + refused.stdout).not.toContain(PASSWORD);
      expect(refused.stderr + refused.stdout).not.toContain("wrong-password-for-the-bundle");
    });
  });
});

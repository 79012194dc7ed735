// End to end in a Roles Anywhere world (a test PKI, the emulator that verifies the X.509 SigV4 signature and the
// chain, the leaf's files), and a real SDK client whose signed call records which access key id signed it.
import { createPrivateKey } from "node:crypto";
import { join } from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { type RolesAnywhereWorld, startRolesAnywhereWorld } from "@workload-identity/testing";
import { isolateEnvironment } from "@workload-identity/testing/vitest";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { clearSharedCredentialCache, explain, formatExplanation, fromEnvironmentAware } from "../src/index.js";
import { type SignedCallRecorder, startSignedCallRecorder } from "./servers.js";

const TRUST_ANCHOR_ARN = "arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/a1b2c3d4-0000-4000-8000-000000000001";
const PROFILE_ARN = "arn:aws:rolesanywhere:eu-west-1:111122223333:profile/a1b2c3d4-0000-4000-8000-000000000002";
const ROLE_ARN = "arn:aws:iam::111122223333:role/onprem-orders";
const PASSPHRASE = "planted-passphrase-41c7";

let world: RolesAnywhereWorld;
let recorder: SignedCallRecorder;
const file = (name: string) => join(world.dir, name);

beforeAll(async () => {
  world = await startRolesAnywhereWorld({
    trustAnchorArn: TRUST_ANCHOR_ARN,
    profileArn: PROFILE_ARN,
    roleArn: ROLE_ARN,
    leaf: { subject: "CN=orders.onprem.example, O=Example" },
  });
  await world.write(
    "key-encrypted.pem",
    createPrivateKey(world.leaf.privateKeyPem).export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: PASSPHRASE }),
  );
  await world.write("passphrase", `${PASSPHRASE}\n`);
  const other = await world.pki.issueLeaf();
  await world.write("other-key.pem", other.privateKeyPem);
  recorder = await startSignedCallRecorder();
});
afterAll(async () => {
  await recorder.close();
  await world.close();
});
beforeEach(() => {
  clearSharedCredentialCache();
  isolateEnvironment(world.dir, world.env);
  vi.stubEnv("AWS_ROLES_ANYWHERE_SESSION_DURATION", "1800");
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const signedCall = (credentials: ReturnType<typeof fromEnvironmentAware>) =>
  new STSClient({ region: "eu-west-1", endpoint: recorder.endpoint, credentials }).send(new GetCallerIdentityCommand({}));

describe("Roles Anywhere end to end", () => {
  it("signs SDK calls with the credentials CreateSession issued for the environment's certificate", async () => {
    await signedCall(fromEnvironmentAware());
    const call = world.emulator.calls.at(-1);
    expect(call).toMatchObject({
      status: 201, // CreateSession's success status
      trustAnchorArn: TRUST_ANCHOR_ARN,
      profileArn: PROFILE_ARN,
      roleArn: ROLE_ARN,
      durationSeconds: 1800,
      serialNumber: world.leaf.serialNumberDecimal,
      chainLength: 1,
    });
    expect(recorder.accessKeyIds.at(-1)).toBe(call?.accessKeyId);
  });

  it("reads an encrypted key's passphrase from AWS_ROLES_ANYWHERE_PRIVATE_KEY_PASSPHRASE_FILE", async () => {
    vi.stubEnv("AWS_ROLES_ANYWHERE_PRIVATE_KEY", file("key-encrypted.pem"));
    vi.stubEnv("AWS_ROLES_ANYWHERE_PRIVATE_KEY_PASSPHRASE_FILE", file("passphrase"));
    const credentials = await fromEnvironmentAware()();
    expect(credentials.accessKeyId).toBe(world.emulator.calls.at(-1)?.accessKeyId);
  });

  it("reports a missing passphrase file with PASSPHRASE_FILE_UNREADABLE", async () => {
    vi.stubEnv("AWS_ROLES_ANYWHERE_PRIVATE_KEY", file("key-encrypted.pem"));
    vi.stubEnv("AWS_ROLES_ANYWHERE_PRIVATE_KEY_PASSPHRASE_FILE", file("no-such-file"));
    await expect(fromEnvironmentAware()()).rejects.toMatchObject({ code: "PASSPHRASE_FILE_UNREADABLE", tryNextLink: false });
  });

  it("ten clients share one CreateSession", async () => {
    const before = world.emulator.callCount;
    await Promise.all(Array.from({ length: 10 }, () => signedCall(fromEnvironmentAware())));
    expect(world.emulator.callCount - before).toBe(1);
  });

  it("is cached once: a forced refresh reaches CreateSession (no second cache in front of fromRolesAnywhere's)", async () => {
    const provider = fromEnvironmentAware();
    const before = world.emulator.callCount;
    const first = await provider();
    expect(await provider()).toBe(first);
    const forced = await provider({ forceRefresh: true } as never);
    expect(world.emulator.callCount - before).toBe(2);
    expect(forced.accessKeyId).not.toBe(first.accessKeyId);
  });

  it("a refused session is an error, never a fall-through to static keys", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIASHOULDNOTBEUSED1");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "static-secret");
    world.emulator.injectFault({ kind: "access-denied" });
    const error = await fromEnvironmentAware()().catch((e: unknown) => e);
    expect(error).toMatchObject({ tryNextLink: false });
    expect(String((error as { code?: unknown }).code)).toMatch(/^ROLES_ANYWHERE_/);
  });

  it("explain shows the certificate's subject, issuer, serial, validity and key match, without the key", async () => {
    vi.stubEnv("AWS_ROLES_ANYWHERE_PRIVATE_KEY", file("key-encrypted.pem"));
    vi.stubEnv("AWS_ROLES_ANYWHERE_PRIVATE_KEY_PASSPHRASE_FILE", file("passphrase"));
    const explanation = await explain();
    expect(explanation).toMatchObject({
      source: "roles-anywhere",
      rolesAnywhere: {
        certificate: world.files.certificate,
        trustAnchorArn: TRUST_ANCHOR_ARN,
        profileArn: PROFILE_ARN,
        roleArn: ROLE_ARN,
        sessionDurationSeconds: 1800,
        certificateSummary: { serialNumber: world.leaf.serialNumberDecimal, expired: false, keyMatches: true },
      },
    });
    expect(explanation.rolesAnywhere?.certificateSummary?.subject).toContain("orders.onprem.example");
    expect(explanation.rolesAnywhere?.certificateSummary?.issuer).toContain("workload-identity");
    expect(Date.parse(explanation.credentials?.expiration ?? "")).toBeGreaterThan(Date.now());
    const text = JSON.stringify(explanation) + formatExplanation(explanation);
    expect(text).not.toContain(PASSPHRASE);
    expect(text).not.toContain("PRIVATE KEY");
  });

  it("explain warns when the key does not match the certificate", async () => {
    vi.stubEnv("AWS_ROLES_ANYWHERE_PRIVATE_KEY", file("other-key.pem"));
    const explanation = await explain({ resolve: false });
    expect(explanation.rolesAnywhere?.certificateSummary?.keyMatches).toBe(false);
    expect(explanation.warnings.join("\n")).toMatch(/does not match/);
  });
});

import { createPrivateKey } from "node:crypto";
import { inspect } from "node:util";
import type { RefreshEvent } from "@workload-identity/refresh";
import { type RolesAnywhereWorld, startRolesAnywhereWorld } from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fromRolesAnywhere, inspectCertificate } from "../src/index.js";
import type { FromRolesAnywhereInit } from "../src/options.js";

const PASSPHRASE = "planted-passphrase-5f1e9c";
const PLANTED_SECRET = "plantedSecretAccessKey0123456789abcdefXYZ";
const PLANTED_TOKEN = "plantedSessionTokenIQoJb3JpZ2luX2VjEJr//////////wEaCWV1LXdlc3QtMSJHMEUCIQ";

let world: RolesAnywhereWorld;
let encryptedKey: string;
let keyLines: string[];

beforeAll(async () => {
  world = await startRolesAnywhereWorld({ keyType: "rsa2048" });
  const pem = createPrivateKey(world.leaf.privateKeyPem).export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: PASSPHRASE }) as string;
  encryptedKey = await world.write("encrypted.key", pem);
  // Any line of either form of the key would be a leak.
  keyLines = [...world.leaf.privateKeyPem.split("\n"), ...pem.split("\n")].filter((line) => line.length > 20 && !line.startsWith("-----"));
});
afterAll(() => world.close());

/** Everything a caller or operator could see: log lines, refresh events, errors in every rendering. */
function harness(overrides: Partial<FromRolesAnywhereInit>) {
  const seen: string[] = [];
  const record = (...args: unknown[]) => seen.push(args.map((arg) => (typeof arg === "string" ? arg : inspect(arg, { depth: 6 }))).join(" "));
  const logger = { debug: vi.fn(record), info: vi.fn(record), warn: vi.fn(record), error: vi.fn(record) };
  const provider = fromRolesAnywhere({
    ...world.init,
    privateKey: encryptedKey,
    passphrase: PASSPHRASE,
    logger,
    refresh: { onEvent: (event: RefreshEvent) => record(event) },
    ...overrides,
  });
  const run = async () => {
    try {
      return await provider({ forceRefresh: true });
    } catch (error) {
      seen.push(String(error), inspect(error, { depth: 6 }), JSON.stringify(error), (error as Error).stack ?? "");
      return undefined;
    }
  };
  return { seen, run, logger };
}

function expectNoSecret(seen: string[], secrets: string[]): void {
  const output = seen.join("\n");
  expect(output.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(output).not.toContain(secret);
}

describe("secrets never leave the provider", () => {
  it("on success: the key, the passphrase and the issued credentials are in no log line or event", async () => {
    const { seen, run, logger } = harness({});
    const credentials = await run();
    expect(credentials?.secretAccessKey).toBeTruthy();
    expect(logger.info).toHaveBeenCalled();
    expectNoSecret(seen, [PASSPHRASE, ...keyLines, credentials!.secretAccessKey, credentials!.sessionToken!]);
  });

  it("with planted credentials in the service's answer, including a malformed one", async () => {
    const answer = (credentials: Record<string, string>) =>
      vi.fn(async () => new Response(JSON.stringify({ credentialSet: [{ credentials }] }), { status: 201 }));
    const good = harness({
      fetch: answer({ accessKeyId: "ASIAPLANTED", secretAccessKey: PLANTED_SECRET, sessionToken: PLANTED_TOKEN, expiration: new Date(Date.now() + 3_600_000).toISOString() }),
    });
    expect((await good.run())?.secretAccessKey).toBe(PLANTED_SECRET);
    expectNoSecret(good.seen, [PLANTED_SECRET, PLANTED_TOKEN]);

    const malformed = harness({ fetch: answer({ accessKeyId: "ASIAPLANTED", secretAccessKey: PLANTED_SECRET, sessionToken: PLANTED_TOKEN, expiration: "never" }) });
    expect(await malformed.run()).toBeUndefined();
    expectNoSecret(malformed.seen, [PLANTED_SECRET, PLANTED_TOKEN]);

    // Not JSON, the fault inside the secret: the parser's own message would quote the text around it.
    const broken = harness({
      fetch: vi.fn(async () => new Response(`{"credentialSet":[{"credentials":{"secretAccessKey":${PLANTED_SECRET}}}]}`, { status: 201 })),
    });
    expect(await broken.run()).toBeUndefined();
    expectNoSecret(broken.seen, [PLANTED_SECRET.slice(0, 8)]);
  });

  it.each([
    ["a wrong passphrase", { passphrase: "planted-wrong-passphrase-77" }, "planted-wrong-passphrase-77"],
    ["a missing passphrase", { passphrase: undefined as unknown as string }, PASSPHRASE],
    ["a key of another certificate", { privateKey: "" }, PASSPHRASE],
    ["a denied CreateSession", {}, PASSPHRASE],
  ])("on failure (%s): errors and logs carry no key material or passphrase", async (name, overrides, passphrase) => {
    const other = await world.leafFiles();
    const patch = name === "a key of another certificate" ? { privateKey: other.leaf.privateKeyPem, passphrase: PASSPHRASE } : overrides;
    if (name === "a denied CreateSession") world.emulator.injectFault({ kind: "access-denied" });
    const { seen, run } = harness(patch);
    expect(await run()).toBeUndefined();
    const otherKeyLines = other.leaf.privateKeyPem.split("\n").filter((line) => line.length > 20 && !line.startsWith("-----"));
    expectNoSecret(seen, [passphrase, PASSPHRASE, ...keyLines, ...otherKeyLines]);
  });

  it("inspectCertificate's summary and errors carry no key material", async () => {
    const summary = await inspectCertificate({ certificate: world.files.certificate, privateKey: encryptedKey, passphrase: PASSPHRASE });
    const error = await inspectCertificate({ certificate: world.files.certificate, privateKey: encryptedKey, passphrase: "nope-planted" }).catch(
      (e: unknown) => e,
    );
    expectNoSecret([JSON.stringify(summary), inspect(error, { depth: 6 })], [PASSPHRASE, "nope-planted", ...keyLines]);
  });
});

// Keys that never leave a token: SoftHSM2 (a real PKCS#11 module) holds RSA-2048, P-256 and P-384 keys generated
// inside it; the test PKI certifies their public keys; the provider signs CreateSession through the module and the
// Roles Anywhere emulator verifies the signatures against the certificates.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createSoftHsmToken,
  findSecretLeaks,
  type RolesAnywhereWorld,
  type SoftHsmKey,
  type SoftHsmToken,
  softHsmUnavailableReason,
  startRolesAnywhereWorld,
  type TestCertificate,
  type TestKeyType,
} from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRolesAnywhereSource, fromRolesAnywhere } from "../src/index.js";
import type { FromRolesAnywhereInit } from "../src/options.js";

const unavailable = softHsmUnavailableReason();
const P11_KIT_PROXY = "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so";
// Short, as real PINs are: below the redaction registry's length, so only never writing it keeps it out.
const PIN = "472910";
const WRONG_PIN = "991283";

let fixture: RolesAnywhereWorld;
let token: SoftHsmToken;
const keys = new Map<TestKeyType, { key: SoftHsmKey; certificate: TestCertificate }>();

const ids: Record<TestKeyType, string> = { rsa2048: "01", p256: "02", p384: "03" };

beforeAll(async () => {
  if (unavailable !== undefined) return;
  fixture = await startRolesAnywhereWorld({ keyType: "p256" });
  token = await createSoftHsmToken({ label: "workload", pin: PIN });
  vi.stubEnv("SOFTHSM2_CONF", token.conf);
  for (const keyType of ["rsa2048", "p256", "p384"] as const) {
    const key = await token.generateKey(keyType, ids[keyType], `key-${keyType}`);
    const certificate = await fixture.pki.issueCertificateFor(key.publicKeySpki, { subject: `CN=${keyType}.hsm.test` });
    await token.importCertificate(certificate.certificateDer, ids[keyType], `key-${keyType}`);
    keys.set(keyType, { key, certificate });
  }
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await token?.close();
  await fixture?.close();
});

function init(privateKey: string, overrides: Partial<FromRolesAnywhereInit> = {}): FromRolesAnywhereInit {
  return {
    privateKey,
    trustAnchorArn: fixture.trustAnchorArn,
    profileArn: fixture.profileArn,
    roleArn: fixture.roleArn,
    endpoint: fixture.emulator.endpoint,
    certificateChain: fixture.pki.intermediateCertificatePem,
    pkcs11: { modulePath: token.modulePath, pin: PIN },
    ...overrides,
  };
}

function material(keyType: TestKeyType) {
  const entry = keys.get(keyType);
  if (entry === undefined) throw new Error(`no ${keyType} key`);
  return entry;
}

describe.skipIf(unavailable !== undefined)(`PKCS#11 keys in SoftHSM2${unavailable === undefined ? "" : ` (skipped: ${unavailable})`}`, () => {
  it.each([
    ["rsa2048", "AWS4-X509-RSA-SHA256"],
    ["p256", "AWS4-X509-ECDSA-SHA256"],
    ["p384", "AWS4-X509-ECDSA-SHA256"],
  ] as const)("signs CreateSession with a %s key in the token and finds its certificate there (%s)", async (keyType, algorithm) => {
    const before = fixture.emulator.callCount;
    const source = createRolesAnywhereSource(init(`pkcs11:token=workload;object=key-${keyType};type=private`));
    const credentials = await source();
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    const call = fixture.emulator.calls[before];
    expect(call).toMatchObject({ status: 201, algorithm, serialNumber: material(keyType).certificate.serialNumberDecimal, chainLength: 1 });
  });

  it("takes the certificate from a file and the key by id=, with the PIN from the URI's pin-source", async () => {
    const pinFile = join(token.dir, "pin.txt");
    await writeFile(pinFile, `${PIN}\n`, { mode: 0o600 });
    // The certificate alone; the intermediate comes from certificateChain.
    const provider = fromRolesAnywhere(
      init(`pkcs11:token=workload;id=%02;type=private?module-path=${token.modulePath}&pin-source=file:${pinFile}`, {
        certificate: material("p256").certificate.certificatePem,
        pkcs11: {},
      }),
    );
    await expect(provider()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(fixture.emulator.calls.at(-1)).toMatchObject({
      status: 201,
      serialNumber: material("p256").certificate.serialNumberDecimal,
      chainLength: 1,
    });
  });

  it("takes the certificate from a certificate URI of the token", async () => {
    const source = createRolesAnywhereSource(
      init("pkcs11:token=workload;id=%01;type=private", { certificate: "pkcs11:token=workload;object=key-rsa2048;type=cert" }),
    );
    await expect(source()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(fixture.emulator.calls.at(-1)).toMatchObject({ status: 201, serialNumber: material("rsa2048").certificate.serialNumberDecimal });
  });

  it.skipIf(!existsSync(P11_KIT_PROXY))("finds the token through p11-kit's proxy module when no module is given (the default)", async () => {
    // p11-kit also loads the other modules it is configured with (tpm2-pkcs11 among them): keep their logs quiet.
    vi.stubEnv("TSS2_LOG", "all+NONE");
    vi.stubEnv("TPM2_PKCS11_LOG_LEVEL", "0");
    const source = createRolesAnywhereSource(init("pkcs11:token=workload;object=key-p256", { pkcs11: { pin: PIN } }));
    await expect(source()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(fixture.emulator.calls.at(-1)).toMatchObject({ status: 201, serialNumber: material("p256").certificate.serialNumberDecimal });
  });

  it("serialises concurrent signatures on one module", async () => {
    const sources = (["rsa2048", "p256", "p384", "p256"] as const).map((keyType) =>
      createRolesAnywhereSource(init(`pkcs11:token=workload;object=key-${keyType}`)),
    );
    // Without the queue, one visit's C_Finalize would end the others' sessions (CKR_CRYPTOKI_NOT_INITIALIZED).
    const results = await Promise.allSettled(sources.map((source) => source()));
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
  });

  it("uses keys that are sensitive and not extractable", async () => {
    const pkcs11js = createRequire(import.meta.url)("pkcs11js") as typeof import("pkcs11js");
    const module = new pkcs11js.PKCS11();
    module.load(token.modulePath);
    module.C_Initialize();
    try {
      const [slot] = module.C_GetSlotList(true);
      const session = module.C_OpenSession(slot as Buffer, pkcs11js.CKF_SERIAL_SESSION);
      module.C_Login(session, pkcs11js.CKU_USER, PIN);
      module.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
      const handles = module.C_FindObjects(session, 10);
      module.C_FindObjectsFinal(session);
      expect(handles).toHaveLength(3);
      for (const handle of handles) {
        const [extractable, sensitive] = module.C_GetAttributeValue(session, handle, [
          { type: pkcs11js.CKA_EXTRACTABLE },
          { type: pkcs11js.CKA_SENSITIVE },
        ]);
        expect(extractable?.value).toEqual(Buffer.from([0]));
        expect(sensitive?.value).toEqual(Buffer.from([1]));
      }
    } finally {
      module.C_Finalize();
      module.close();
    }
  });

  describe("bad input: a typed error naming what to fix, and never the PIN", () => {
    const cases: [string, () => FromRolesAnywhereInit, string][] = [
      ["a wrong PIN", () => init("pkcs11:token=workload;object=key-p256", { pkcs11: { modulePath: token.modulePath, pin: WRONG_PIN } }), "ROLES_ANYWHERE_PKCS11_PIN_INCORRECT"],
      ["a wrong PIN inside the URI", () => init(`pkcs11:token=workload;object=key-p256?pin-value=${WRONG_PIN}`, { pkcs11: { modulePath: token.modulePath } }), "ROLES_ANYWHERE_PKCS11_PIN_INCORRECT"],
      ["no PIN at all", () => init("pkcs11:token=workload;object=key-p256", { pkcs11: { modulePath: token.modulePath } }), "ROLES_ANYWHERE_PKCS11_PIN_REQUIRED"],
      ["an unknown object", () => init("pkcs11:token=workload;object=no-such-key"), "ROLES_ANYWHERE_PKCS11_OBJECT_NOT_FOUND"],
      ["a URI matching two keys", () => init("pkcs11:token=workload;type=private"), "ROLES_ANYWHERE_PKCS11_AMBIGUOUS"],
      ["an unknown token", () => init(`pkcs11:token=elsewhere;object=key-p256?pin-value=${PIN}`), "ROLES_ANYWHERE_PKCS11_TOKEN_NOT_FOUND"],
      ["a missing module", () => init("pkcs11:token=workload;object=key-p256", { pkcs11: { modulePath: "/nonexistent/libmissing-pkcs11.so", pin: PIN } }), "ROLES_ANYWHERE_PKCS11_MODULE_NOT_LOADABLE"],
      ["a certificate of another key", () => init("pkcs11:token=workload;object=key-p256", { certificate: material("p384").certificate.certificatePem }), "ROLES_ANYWHERE_KEY_MISMATCH"],
    ];
    it.each(cases)("%s", async (_, options, code) => {
      const logged: string[] = [];
      const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (line: string) => logged.push(line) };
      const error = await createRolesAnywhereSource({ ...options(), logger })().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code });
      expect(logged).toHaveLength(1);
      expect(findSecretLeaks([error, logged], [PIN, WRONG_PIN], PIN.length)).toEqual([]);
      expect(`${logged.join("\n")}\n${(error as Error).message}`).not.toContain("pin-value");
    });

    it("a PIN the token refused is not tried again (retries would lock the token); a changed one is", async () => {
      const refused = "310577";
      const attempt = (pin: string) =>
        createRolesAnywhereSource(init("pkcs11:token=workload;object=key-p256", { pkcs11: { modulePath: token.modulePath, pin } }))().catch(
          (caught: unknown) => caught,
        );
      const first = await attempt(refused);
      const second = await attempt(refused);
      expect(first).toMatchObject({ code: "ROLES_ANYWHERE_PKCS11_PIN_INCORRECT", returnValue: "CKR_PIN_INCORRECT" });
      expect(second).toMatchObject({ code: "ROLES_ANYWHERE_PKCS11_PIN_INCORRECT", message: expect.stringContaining("not tried again") });
      expect((second as { returnValue?: string }).returnValue).toBeUndefined();
      expect(findSecretLeaks([first, second], [refused], refused.length)).toEqual([]);
      await expect(attempt(PIN)).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    });

    it("a malformed URI, synchronously, without echoing the URI's PIN", () => {
      const attempt = () => createRolesAnywhereSource(init(`pkcs11:token=workload;objekt=key-p256?pin-value=${PIN}`));
      expect(attempt).toThrow(expect.objectContaining({ code: "ROLES_ANYWHERE_PKCS11_INVALID_URI", option: "privateKey" }));
      const error = (() => {
        try {
          attempt();
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect((error as Error).message).toMatch(/"objekt" is not an attribute/);
      expect(findSecretLeaks([error], [PIN], PIN.length)).toEqual([]);
    });
  });
});

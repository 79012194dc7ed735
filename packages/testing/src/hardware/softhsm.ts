// A SoftHSM2 token per test: its own token directory and config file (SOFTHSM2_CONF), keys generated inside the token
// by pkcs11-tool (OpenSC) and never extractable, certificates imported beside them — the shape of a real HSM or smart
// card, for the PKCS#11 signing path.
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestKeyType } from "../pki.js";
import { ecPublicKey } from "./pkcs11-tool.js";
import { skipUnlessRequired } from "../required-tools.js";

const run = promisify(execFile);

/** Debian's softhsm2 module. */
export const SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so";

/** Why SoftHSM2 tests cannot run here (a missing tool or module), or `undefined` when they can. */
export function softHsmUnavailableReason(): string | undefined {
  const missing = [SOFTHSM_MODULE, "/usr/bin/softhsm2-util", "/usr/bin/pkcs11-tool"].filter((path) => {
    try {
      accessSync(path, constants.R_OK);
      return false;
    } catch {
      return true;
    }
  });
  return skipUnlessRequired(missing.length === 0 ? undefined : `SoftHSM2 / OpenSC not installed (${missing.join(", ")} missing)`);
}

/** Options of {@link createSoftHsmToken}. */
export interface SoftHsmTokenOptions {
  /** @defaultValue "workload" */
  label?: string;
  /** The user PIN. @defaultValue a fresh 12-digit PIN */
  pin?: string;
}

/** A key pair generated inside the token. */
export interface SoftHsmKey {
  /** CKA_ID as hex, e.g. "01". */
  readonly idHex: string;
  readonly label: string;
  /** The public key, SubjectPublicKeyInfo DER (give it to the test PKI). */
  readonly publicKeySpki: Buffer;
}

/** A token in a private SoftHSM2 directory. */
export interface SoftHsmToken {
  readonly modulePath: string;
  readonly label: string;
  readonly pin: string;
  /** Set this as the process's (or child's) `SOFTHSM2_CONF` so the module sees this token only. */
  readonly conf: string;
  readonly dir: string;
  /** Generates a non-extractable key pair with CKA_ID `idHex` and CKA_LABEL `label`. */
  generateKey(keyType: TestKeyType, idHex: string, label: string): Promise<SoftHsmKey>;
  /** Stores a DER certificate as a certificate object with the given CKA_ID and CKA_LABEL. */
  importCertificate(certificateDer: Uint8Array, idHex: string, label: string): Promise<void>;
  /** Removes the token directory. */
  close(): Promise<void>;
}

const KEY_TYPES: Record<TestKeyType, string> = { rsa2048: "rsa:2048", p256: "EC:prime256v1", p384: "EC:secp384r1" };

/** Initialises a token in a new directory. */
export async function createSoftHsmToken(options: SoftHsmTokenOptions = {}): Promise<SoftHsmToken> {
  const dir = await mkdtemp(join(tmpdir(), "softhsm-"));
  const label = options.label ?? "workload";
  const pin = options.pin ?? String(100_000_000_000 + Math.floor(Math.random() * 800_000_000_000));
  const conf = join(dir, "softhsm2.conf");
  await mkdir(join(dir, "tokens"));
  await writeFile(conf, `directories.tokendir = ${join(dir, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  await run("softhsm2-util", ["--init-token", "--free", "--label", label, "--so-pin", `so-${pin}`, "--pin", pin], { env });
  const tool = (args: string[]) =>
    run("pkcs11-tool", ["--module", SOFTHSM_MODULE, "--token-label", label, "--login", "--pin", pin, ...args], { env });
  return {
    modulePath: SOFTHSM_MODULE,
    label,
    pin,
    conf,
    dir,
    async generateKey(keyType, idHex, keyLabel) {
      const generated = await tool(["--keypairgen", "--key-type", KEY_TYPES[keyType], "--id", idHex, "--label", keyLabel, "--usage-sign"]);
      if (keyType !== "rsa2048") return { idHex, label: keyLabel, publicKeySpki: ecPublicKey(keyType, generated.stdout) };
      const out = join(dir, `${idHex}.pub.der`);
      await tool(["--read-object", "--type", "pubkey", "--id", idHex, "--output-file", out]);
      return { idHex, label: keyLabel, publicKeySpki: await readFile(out) };
    },
    async importCertificate(certificateDer, idHex, certificateLabel) {
      const file = join(dir, `${idHex}-${certificateLabel}.crt.der`);
      await writeFile(file, certificateDer);
      await tool(["--write-object", file, "--type", "cert", "--id", idHex, "--label", certificateLabel]);
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}


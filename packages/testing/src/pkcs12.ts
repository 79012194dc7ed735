import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { skipUnlessRequired } from "./required-tools.js";

// PKCS#12 bundles made by the real `openssl pkcs12 -export`, as an administrator would make them, from PEM text.

const run = promisify(execFile);

/** Options of {@link exportPkcs12}. */
export interface ExportPkcs12Options {
  /** The leaf certificate's PEM; leave out (`-nocerts`) for a bundle of the key and the extra certificates only. */
  readonly certificatePem?: string;
  /** Its key (PEM); leave out for a bundle without a key. */
  readonly privateKeyPem?: string;
  /** Other certificates to put in the bundle (`-certfile`), e.g. the intermediate. */
  readonly extraCertificatesPem?: string;
  /** The export password; "" for none. @defaultValue "" */
  readonly password?: string;
  /** `-legacy`: SHA-1 MAC, 3DES key, RC2-40 certificates, as OpenSSL 1.x wrote. @defaultValue false (PBES2, AES-256) */
  readonly legacy?: boolean;
}

/** Why PKCS#12 bundles cannot be made here, or `undefined` when `openssl` runs. */
export function opensslUnavailableReason(): string | undefined {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return undefined;
  } catch {
    return skipUnlessRequired("openssl is not installed (Debian package openssl)");
  }
}

/** Runs `openssl pkcs12 -export` on the given PEM text; returns the DER bundle. The password goes through a file. */
export async function exportPkcs12(options: ExportPkcs12Options): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "pkcs12-"));
  try {
    const file = async (name: string, content: string) => {
      // The test PKI's PEM has no final newline: concatenated, END and BEGIN lines would share a line openssl refuses.
      await writeFile(join(dir, name), content.replace(/-----END ([A-Z0-9 ]+)-----\s*/g, "-----END $1-----\n"), { mode: 0o600 });
      return join(dir, name);
    };
    const args = ["pkcs12", "-export"];
    args.push(...(options.certificatePem === undefined ? ["-nocerts"] : ["-in", await file("cert.pem", options.certificatePem)]));
    args.push(...(options.privateKeyPem === undefined ? ["-nokeys"] : ["-inkey", await file("key.pem", options.privateKeyPem)]));
    if (options.extraCertificatesPem !== undefined && options.extraCertificatesPem !== "") {
      args.push("-certfile", await file("extra.pem", options.extraCertificatesPem));
    }
    if (options.legacy === true) args.push("-legacy");
    args.push("-passout", `file:${await file("password", `${options.password ?? ""}\n`)}`, "-out", join(dir, "out.p12"));
    await run("openssl", args);
    return await readFile(join(dir, "out.p12"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

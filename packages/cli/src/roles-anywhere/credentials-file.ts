import { mkdir, readFile, realpath } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ENV_SHARED_CREDENTIALS_FILE, readEnv, writePrivateFile } from "@workload-identity/core";

// The shared credentials file, edited the minimal way: only the three key lines of one profile change, every other
// byte (other profiles, comments, blank lines, line endings, unknown keys of the profile) stays as it was.

/** The keys `update` writes, in the order AWS's helper writes them. */
const KEYS = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token"] as const;

/** The values of one profile's keys. */
export type ProfileCredentials = Readonly<Record<(typeof KEYS)[number], string>>;

/** `AWS_SHARED_CREDENTIALS_FILE` (a leading `~/` is the home directory, as the SDKs read it), else `~/.aws/credentials`. */
export function credentialsFilePath(env: NodeJS.ProcessEnv, homedir: string): string {
  const configured = readEnv(ENV_SHARED_CREDENTIALS_FILE, env);
  if (configured === undefined) return join(homedir, ".aws", "credentials");
  return configured.startsWith("~/") ? join(homedir, configured.slice(2)) : configured;
}

/** A section header, `[name]`, with an optional comment after it; the name is compared trimmed, as the SDKs do. */
const HEADER = /^\s*\[([^\]]*)\]\s*(?:[#;].*)?$/;
/** One of our keys at the start of a line, `key = value` or `key: value` (configparser takes both). */
const OUR_KEY = /^\s*(aws_access_key_id|aws_secret_access_key|aws_session_token)\s*[=:]/i;

/**
 * The file's content with `profile`'s three keys set to `values`: replaced where they are (a value's continuation lines
 * go with it), the missing ones added right after the section header, and the section appended when absent.
 */
export function setProfileCredentials(content: string, profile: string, values: ProfileCredentials): string {
  for (const value of Object.values(values)) {
    if (/[\r\n]/.test(value)) throw new Error("a credential value holds a line break");
  }
  const eol = content.includes("\r\n") ? "\r\n" : "\n";
  const lines = content.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const out: string[] = [];
  const written = new Set<string>();
  let inProfile = false;
  /** Where the missing keys go: after the profile's header line, once it is found. */
  let insertAt: number | undefined;
  let skippingContinuation = false;
  for (const line of lines) {
    const body = line.replace(/\r?\n$/, "");
    const header = HEADER.exec(body);
    if (header !== null) {
      // Only the first section of that name is edited (configparser refuses a file with two).
      inProfile = insertAt === undefined && header[1]?.trim() === profile;
      skippingContinuation = false;
      out.push(line);
      if (inProfile) insertAt = out.length;
      continue;
    }
    if (inProfile && skippingContinuation && /^[ \t]+\S/.test(body)) continue;
    skippingContinuation = false;
    const key = inProfile ? OUR_KEY.exec(body)?.[1]?.toLowerCase() : undefined;
    if (key === undefined) {
      out.push(line);
      continue;
    }
    skippingContinuation = true;
    if (written.has(key)) continue;
    written.add(key);
    out.push(`${key} = ${values[key as (typeof KEYS)[number]]}${line.endsWith("\n") ? eol : ""}`);
  }
  const missing = KEYS.filter((key) => !written.has(key))
    .map((key) => `${key} = ${values[key]}${eol}`)
    .join("");
  if (insertAt !== undefined) {
    // A header on the file's last line has no line break of its own.
    const afterHeader = missing === "" || (out[insertAt - 1] ?? "").endsWith("\n") ? missing : `${eol}${missing}`;
    out.splice(insertAt, 0, afterHeader);
    return out.join("");
  }
  const separator = content === "" ? "" : content.endsWith(`${eol}${eol}`) ? "" : content.endsWith("\n") ? eol : `${eol}${eol}`;
  return `${content}${separator}[${profile}]${eol}${missing}`;
}

/**
 * Sets `profile`'s keys in the credentials file: read, edited with {@link setProfileCredentials}, written atomically
 * with mode 0600 (a temporary file renamed over it), its directory made (0700) when missing.
 */
export async function writeProfileCredentials(linkOrPath: string, profile: string, values: ProfileCredentials): Promise<void> {
  // A symlinked credentials file (dotfiles kept elsewhere) stays a link: the file it points to is the one replaced.
  const path = await realpath(linkOrPath).catch(() => linkOrPath);
  let content = "";
  try {
    content = await readFile(path, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ENOENT") throw error;
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  }
  await writePrivateFile(path, setProfileCredentials(content, profile, values));
}

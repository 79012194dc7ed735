import { lstat, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { credentialsFilePath, setProfileCredentials, writeProfileCredentials } from "./credentials-file.js";

const NEW = { aws_access_key_id: "ASIANEW", aws_secret_access_key: "new-secret", aws_session_token: "new-token" };
const KEYS = "aws_access_key_id = ASIANEW\naws_secret_access_key = new-secret\naws_session_token = new-token\n";

describe(setProfileCredentials.name, () => {
  it("replaces the three keys in place and leaves every other byte alone", () => {
    const before =
      "# managed by hand\n[default]\naws_access_key_id=AKIAOLD\n; a comment in the profile\nregion = eu-west-1\n" +
      "aws_secret_access_key = old\naws_session_token = old-token\n\n[other]  # keep me\naws_access_key_id = AKIAOTHER\n" +
      "aws_secret_access_key = other-secret\n";
    expect(setProfileCredentials(before, "default", NEW)).toBe(
      "# managed by hand\n[default]\naws_access_key_id = ASIANEW\n; a comment in the profile\nregion = eu-west-1\n" +
        "aws_secret_access_key = new-secret\naws_session_token = new-token\n\n[other]  # keep me\naws_access_key_id = AKIAOTHER\n" +
        "aws_secret_access_key = other-secret\n",
    );
  });

  it("adds the missing keys right after the header", () => {
    expect(setProfileCredentials("[ra]\nregion = us-east-1\n[b]\nx = 1\n", "ra", NEW)).toBe(`[ra]\n${KEYS}region = us-east-1\n[b]\nx = 1\n`);
    expect(setProfileCredentials("[ra]", "ra", NEW)).toBe(`[ra]\n${KEYS}`);
  });

  it("appends the profile when absent, after a blank line", () => {
    expect(setProfileCredentials("", "ra", NEW)).toBe(`[ra]\n${KEYS}`);
    expect(setProfileCredentials("[a]\nx = 1\n", "ra", NEW)).toBe(`[a]\nx = 1\n\n[ra]\n${KEYS}`);
    expect(setProfileCredentials("[a]\nx = 1", "ra", NEW)).toBe(`[a]\nx = 1\n\n[ra]\n${KEYS}`);
    expect(setProfileCredentials("[a]\nx = 1\n\n", "ra", NEW)).toBe(`[a]\nx = 1\n\n[ra]\n${KEYS}`);
  });

  it("keeps CRLF line endings, drops an old value's continuation lines, and matches a name written with spaces", () => {
    const before = "[ default ]\r\naws_session_token = old\r\n  continued\r\naws_access_key_id: A\r\n[x]\r\n";
    expect(setProfileCredentials(before, "default", NEW)).toBe(
      "[ default ]\r\naws_secret_access_key = new-secret\r\naws_session_token = new-token\r\naws_access_key_id = ASIANEW\r\n[x]\r\n",
    );
  });

  it("does not touch keys of the same name in other profiles or a profile whose name only starts the same", () => {
    const before = "[default-2]\naws_access_key_id = KEEP\n";
    expect(setProfileCredentials(before, "default", NEW)).toBe(`${before}\n[default]\n${KEYS}`);
  });

  it("refuses a value with a line break (it would inject a line)", () => {
    expect(() => setProfileCredentials("", "p", { ...NEW, aws_session_token: "a\n[evil]" })).toThrow(/line break/);
  });
});

describe(writeProfileCredentials.name, () => {
  it("creates the directory and writes the file with mode 0600", async () => {
    const dir = await mkdtemp(join(tmpdir(), "credentials-file-"));
    try {
      const path = join(dir, ".aws", "credentials");
      await writeProfileCredentials(path, "default", NEW);
      expect(await readFile(path, "utf8")).toBe(`[default]\n${KEYS}`);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      await writeFile(path, "[other]\nx = 1\n", { mode: 0o644 });
      await writeProfileCredentials(path, "default", NEW);
      expect(await readFile(path, "utf8")).toBe(`[other]\nx = 1\n\n[default]\n${KEYS}`);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("a symlinked credentials file", () => {
  it("stays a link: the file it points to gets the profile", async () => {
    const dir = await mkdtemp(join(tmpdir(), "credentials-file-"));
    try {
      const target = join(dir, "dotfiles-credentials");
      await writeFile(target, "[other]\nx = 1\n", { mode: 0o600 });
      const link = join(dir, "credentials");
      await symlink(target, link);
      await writeProfileCredentials(link, "default", NEW);
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      expect(await readFile(target, "utf8")).toBe(`[other]\nx = 1\n\n[default]\n${KEYS}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe(credentialsFilePath.name, () => {
  it("takes AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials", () => {
    expect(credentialsFilePath({ AWS_SHARED_CREDENTIALS_FILE: "/etc/aws/creds" }, "/home/u")).toBe("/etc/aws/creds");
    expect(credentialsFilePath({ AWS_SHARED_CREDENTIALS_FILE: " " }, "/home/u")).toBe("/home/u/.aws/credentials");
    expect(credentialsFilePath({ AWS_SHARED_CREDENTIALS_FILE: "~/ra/credentials" }, "/home/u")).toBe("/home/u/ra/credentials");
  });
});

import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { childProcessEnv, type RolesAnywhereWorld, startRolesAnywhereWorld } from "@workload-identity/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { botocoreProfile, runBuiltCli, startBuiltCli } from "./built-cli.js";
import { findBotocorePython, worldFlags } from "./cli-support.js";

// `roles-anywhere update`, the built bin, against the Roles Anywhere emulator; the file it writes is read by botocore.

const python = findBotocorePython();
const WAIT = { timeout: 20_000, interval: 20 };

/** A credentials file a person keeps by hand: comments, another profile, our profile with a key of its own. */
const HAND_WRITTEN =
  "# keys for the build box — do not remove\n[default]\naws_access_key_id = AKIAKEEPTHISPROFILE01\n" +
  "aws_secret_access_key = keep/this/secret/key/of/the/default/profile\n\n; the Roles Anywhere profile\n[ra]\nregion = eu-west-1\n" +
  "\n[zzz]  # last\naws_access_key_id = AKIAZZZ\naws_secret_access_key = zzz-secret-key-zzz\n";

let world: RolesAnywhereWorld;
let credentialsFile: string;

const flags = () => worldFlags(world);
const env = () => childProcessEnv({ HOME: world.dir, AWS_SHARED_CREDENTIALS_FILE: credentialsFile });

/** The hand-written file with the `ra` profile's keys set, as `update` must leave it. */
const expectedFile = (keys: { accessKeyId: string; secretAccessKey: string; sessionToken: string }) =>
  HAND_WRITTEN.replace(
    "[ra]\n",
    `[ra]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\naws_session_token = ${keys.sessionToken}\n`,
  );

/** The `ra` profile's three keys in the file. */
async function profileKeys() {
  const text = await readFile(credentialsFile, "utf8");
  const section = text.slice(text.indexOf("[ra]"), text.indexOf("[zzz]"));
  const value = (key: string) => new RegExp(`^${key} = (.*)$`, "m").exec(section)?.[1] ?? "";
  return { accessKeyId: value("aws_access_key_id"), secretAccessKey: value("aws_secret_access_key"), sessionToken: value("aws_session_token") };
}

beforeAll(async () => {
  world = await startRolesAnywhereWorld();
  credentialsFile = join(world.dir, "aws", "credentials");
});
afterAll(() => world?.close());
beforeEach(async () => {
  await mkdir(join(world.dir, "aws"), { recursive: true });
  await writeFile(credentialsFile, HAND_WRITTEN, { mode: 0o644 });
  world.emulator.clearFaults();
});

describe("roles-anywhere update (built CLI, emulator)", () => {
  it("--once writes the profile's keys (0600), sends --role-session-name, and leaves the rest of the file byte for byte", async () => {
    const run = await runBuiltCli(["update", ...flags(), "--profile", "ra", "--once", "--role-session-name", "build-box-7"], env());
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(world.emulator.calls.at(-1)).toMatchObject({ status: 201, roleSessionName: "build-box-7" });
    const keys = await profileKeys();
    expect(keys.accessKeyId).toBe(world.emulator.credentialsIssued().at(-1)?.accessKeyId);
    expect(await readFile(credentialsFile, "utf8")).toBe(expectedFile(keys));
    expect((await stat(credentialsFile)).mode & 0o777).toBe(0o600);
    expect(run.stdout).toBe("");
    expect(run.stderr).not.toContain(keys.secretAccessKey);
    expect(run.stderr).not.toContain(keys.sessionToken);
  });

  it.skipIf(python === undefined)(`writes a file botocore reads, for that profile and the others${python === undefined ? " — SKIPPED: no python3 with botocore" : ""}`, async () => {
    const run = await runBuiltCli(["update", ...flags(), "--profile", "ra", "--once"], env());
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    const keys = await profileKeys();
    const botocoreEnv = childProcessEnv({ HOME: world.dir });
    const bot = python as NonNullable<typeof python>;
    expect(await botocoreProfile(bot, credentialsFile, "ra", botocoreEnv)).toEqual({
      method: "shared-credentials-file",
      accessKey: keys.accessKeyId,
      secretKey: keys.secretAccessKey,
      token: keys.sessionToken,
    });
    expect(await botocoreProfile(bot, credentialsFile, "default", botocoreEnv)).toMatchObject({ accessKey: "AKIAKEEPTHISPROFILE01", token: null });
    expect(await botocoreProfile(bot, credentialsFile, "zzz", botocoreEnv)).toMatchObject({ accessKey: "AKIAZZZ" });
  });

  it("stops on SIGTERM while waiting for the next refresh: exit 0, the file whole, no temporary file", async () => {
    const run = startBuiltCli(["update", ...flags(), "--profile", "ra"], env());
    await expect.poll(() => run.stderr(), WAIT).toContain('"msg":"credentials file updated"');
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toContain('"msg":"shutting down","signal":"SIGTERM"');
    expect(await readFile(credentialsFile, "utf8")).toBe(expectedFile(await profileKeys()));
    expect((await readdir(join(world.dir, "aws"))).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("stops on SIGINT during a slow CreateSession without writing anything", async () => {
    world.emulator.injectFault({ kind: "delay", ms: 8_000 });
    const before = world.emulator.callCount;
    const run = startBuiltCli(["update", ...flags(), "--profile", "ra"], env());
    await expect.poll(() => world.emulator.callCount, WAIT).toBe(before + 1);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    expect(await readFile(credentialsFile, "utf8")).toBe(HAND_WRITTEN);
    expect((await readdir(join(world.dir, "aws"))).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("exits 1 naming the failure when the first CreateSession is refused, leaving the file alone", async () => {
    world.emulator.injectFault({ kind: "access-denied" });
    const run = await runBuiltCli(["update", ...flags(), "--profile", "ra"], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"msg":"not updating: the first CreateSession failed"');
    expect(run.stderr).toContain("AccessDeniedException");
    expect(await readFile(credentialsFile, "utf8")).toBe(HAND_WRITTEN);
  });
});

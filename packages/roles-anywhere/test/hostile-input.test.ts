// How fromRolesAnywhere fails on careless input and misbehaving endpoints: key material given where a
// path belongs is refused without being echoed; a service body is never quoted; oversized inputs are refused with an
// error that says so. Every planted secret is looked for in every rendering of the error, the events and the log.
import { createPrivateKey } from "node:crypto";
import { truncate } from "node:fs/promises";
import { inspect } from "node:util";
import type { RefreshEvent } from "@workload-identity/refresh";
import { findSecretLeaks, type RolesAnywhereWorld, startRolesAnywhereWorld } from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromRolesAnywhere } from "../src/index.js";
import type { FromRolesAnywhereInit } from "../src/options.js";

let world: RolesAnywhereWorld;
let keyPem: string;
/** The body lines of the key: any one of them in an output is a leak. */
let keyLines: string[];

beforeAll(async () => {
  world = await startRolesAnywhereWorld({ keyType: "p256" });
  keyPem = world.leaf.privateKeyPem;
  keyLines = keyPem.split("\n").filter((line) => line.length > 20 && !line.startsWith("-----"));
});
afterAll(() => world.close());

/** A provider, and everything it shows the world: log lines, events, and the error of one refresh. */
async function attempt(overrides: Partial<FromRolesAnywhereInit>) {
  const shown: unknown[] = [];
  const record = (...parts: unknown[]) => shown.push(parts.map((part) => (typeof part === "string" ? part : inspect(part))).join(" "));
  const logger = { debug: record, info: record, warn: record, error: record };
  const provider = fromRolesAnywhere({
    ...world.init,
    logger,
    refresh: { onEvent: (event: RefreshEvent) => shown.push(event) },
    ...overrides,
  });
  const error = await provider({ forceRefresh: true }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { error, shown, provider };
}

const derHex = () => createPrivateKey(keyPem).export({ format: "der", type: "pkcs8" }).toString("hex");

describe("key material where a path belongs", () => {
  it.each([
    ["the base64 of the PEM (a Kubernetes Secret's data: value)", () => Buffer.from(keyPem).toString("base64")],
    ["a PEM with a mangled BEGIN line", () => keyPem.replace("-----BEGIN PRIVATE KEY-----", "----BEGIN PRIVATE KEY-----")],
    ["hex DER", derHex],
  ])("refuses %s without echoing it in the error, its cause, an event or a log line", async (_, value) => {
    const material = value();
    const { error, shown } = await attempt({ privateKey: material });
    expect(error).toMatchObject({ code: "ROLES_ANYWHERE_FILE_UNREADABLE", message: expect.stringContaining("neither a file path nor PEM") });
    expect(findSecretLeaks([error, ...shown], [material, ...keyLines, ...material.split("\n")], 20)).toEqual([]);
  });
});

describe("service answers", () => {
  const secretKey = "PLANTEDsecretKEY0123456789abcdefGHIJKLMN";
  const sessionToken = `IQoJb3JpZ2luX2VjPLANTED${"Zq9/".repeat(30)}`;
  const answering = (status: number, body: string, type = "text/html") =>
    (async () => new Response(body, { status, headers: { "content-type": type } })) as typeof fetch;

  it("never quotes a non-JSON body (a proxy's page), only its size and type", async () => {
    const page = `<html><body>upstream said: SecretAccessKey=${secretKey} SessionToken=${sessionToken}</body></html>`;
    const { error, shown } = await attempt({ fetch: answering(502, page) });
    expect(error).toMatchObject({ code: "ROLES_ANYWHERE_SERVICE_ERROR", statusCode: 502, errorType: "HTTP502" });
    expect((error as Error).message).toContain(`no JSON message (${page.length} bytes of text/html)`);
    expect(findSecretLeaks([error, ...shown], [secretKey, sessionToken, "upstream said"])).toEqual([]);
  });

  it("redacts the credentials an echoing endpoint quotes back in its JSON message", async () => {
    const { provider } = await attempt({});
    const issued = await provider();
    const echo = JSON.stringify({ message: `you sent ${issued.secretAccessKey} and ${issued.sessionToken} and ${secretKey}` });
    const { error, shown } = await attempt({ fetch: answering(400, echo, "application/json") });
    expect(error).toMatchObject({ code: "ROLES_ANYWHERE_SERVICE_ERROR", errorType: "HTTP400" });
    expect((error as Error).message).toContain("you sent [REDACTED]");
    expect(findSecretLeaks([error, ...shown], [issued.secretAccessKey, issued.sessionToken ?? "", secretKey])).toEqual([]);
  });
});

describe("oversized input", () => {
  it("refuses a 40 MB certificate file before reading it, saying what is wrong", async () => {
    const huge = await world.write("huge.crt", "");
    await truncate(huge, 40 * 1024 * 1024);
    const { error } = await attempt({ certificate: huge });
    expect(error).toMatchObject({ code: "ROLES_ANYWHERE_FILE_TOO_LARGE", message: expect.stringContaining(`${40 * 1024 * 1024} bytes`) });
  });

  it("refuses a chain of more intermediates than X-Amz-X509-Chain carries, instead of a network error", async () => {
    const chain = await world.write("long-chain.crt", world.leaf.chainPem.repeat(6));
    const before = world.emulator.calls.length;
    const { error } = await attempt({ certificateChain: chain });
    expect(error).toMatchObject({
      code: "ROLES_ANYWHERE_INVALID_CERTIFICATE_CHAIN",
      message: expect.stringContaining("gives 6 intermediate certificates"),
    });
    expect(world.emulator.calls.length).toBe(before);
  });
});

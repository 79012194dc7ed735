import { inspect } from "node:util";
import type { RefreshEvent } from "@workload-identity/refresh";
import { type MintServiceAccountTokenOptions, startWebIdentityWorld, type WebIdentityWorld } from "@workload-identity/testing";
import { fromTokenFile } from "@workload-identity/web-identity";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const ROLE = "arn:aws:iam::111122223333:role/orders-reader";

// Plants real tokens and real credentials, drives every path that logs, emits or throws, and looks for them.
describe("secrets", () => {
  let world: WebIdentityWorld;
  // STS's clock runs with the machine's, shifted by skewMs to make tokens look expired to it.
  let skewMs = 0;

  beforeAll(async () => {
    world = await startWebIdentityWorld({
      roleArn: ROLE,
      namespace: "shop",
      serviceAccount: "orders",
      stsNow: () => Date.now() + skewMs,
      credentialLifetimeSeconds: 900,
    });
  });
  afterAll(() => world.close());

  it("never puts a token, secret key or session token in a log line, an event or an error", async () => {
    const captured: string[] = [];
    const secrets: string[] = [];
    const log = (level: string) => (...parts: unknown[]) => captured.push(`${level} ${parts.map((p) => (typeof p === "string" ? p : inspect(p, { depth: 10 }))).join(" ")}`);
    const logger = { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error"), trace: log("trace") };
    const events: RefreshEvent[] = [];
    const errors: unknown[] = [];
    let now = Date.now();
    const provider = fromTokenFile({
      webIdentityTokenFile: world.tokenDir.tokenFile,
      roleArn: ROLE,
      clientConfig: { region: "eu-west-1", endpoint: world.sts.endpoint },
      logger,
      sleep: () => Promise.resolve(),
      refresh: { now: () => now, jitter: false, onEvent: (event) => events.push(event) },
    });
    const plant = async (claims: MintServiceAccountTokenOptions) => {
      const token = await world.writeToken(claims);
      secrets.push(token, ...token.split("."));
    };
    const attempt = async (forceRefresh = true) => {
      try {
        const credentials = await provider({ forceRefresh });
        secrets.push(credentials.secretAccessKey, credentials.sessionToken ?? "");
      } catch (error) {
        errors.push(error);
      }
    };

    await plant({ namespace: "shop", serviceAccount: "orders" });
    await attempt();
    world.sts.injectFault({ kind: "throttling" });
    await attempt(); // retried and logged
    world.sts.injectFault({ kind: "http-500" }, 10);
    now += 12 * 60_000;
    await attempt(false); // background refresh fails while the cache is served
    await vi.waitFor(() => expect(events.some((event) => event.type === "refresh-failed")).toBe(true));
    await attempt(false); // served stale
    world.sts.clearFaults();
    await plant({ namespace: "shop", serviceAccount: "billing" });
    await attempt(); // AccessDenied
    await plant({ namespace: "shop", serviceAccount: "orders", signer: "untrusted" });
    await attempt(); // InvalidIdentityToken, retried
    await plant({ namespace: "shop", serviceAccount: "orders", issuedAt: new Date(Date.now() - 7_200_000) });
    await attempt(); // expired before STS
    skewMs += 2 * 3_600_000;
    await plant({ namespace: "shop", serviceAccount: "orders" });
    await attempt(); // STS says expired
    await world.tokenDir.write("not-a-jwt-but-secret-looking-text");
    secrets.push("not-a-jwt-but-secret-looking-text");
    await attempt(); // malformed

    const texts = [
      ...captured,
      ...events.map((event) => inspect(event, { depth: 10 })),
      ...errors.flatMap((error) => [String(error), inspect(error, { depth: 10 }), JSON.stringify(error)]),
    ];
    expect(errors.length).toBeGreaterThanOrEqual(5);
    expect(captured.length).toBeGreaterThan(0);
    expect(events.map((event) => event.type)).toContain("stale-credentials-served");
    const planted = secrets.filter((secret) => secret.length >= 16);
    expect(planted.length).toBeGreaterThanOrEqual(10);
    for (const text of texts) {
      for (const secret of planted) expect(text.includes(secret), `a secret leaked into: ${text.slice(0, 200)}`).toBe(false);
    }
  });
});

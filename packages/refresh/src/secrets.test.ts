import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import type { RefreshEvent } from "./events.js";
import { withRefresh } from "./with-refresh.js";

const SECRET_KEY = "planted-secret-key-5f0c2a";
const SESSION_TOKEN = "planted-session-token-9d41be";

describe(`${withRefresh.name}: no secret in events or errors`, () => {
  it("never puts the secret key or session token in an event, an error message or String(error)", async () => {
    let time = Date.parse("2026-11-23T12:00:00Z");
    const now = () => time;
    const outputs: string[] = [];
    const events: RefreshEvent[] = [];
    const source = vi
      .fn()
      .mockResolvedValueOnce({
        accessKeyId: "AKIDPLANTED",
        secretAccessKey: SECRET_KEY,
        sessionToken: SESSION_TOKEN,
        expiration: new Date(time + 60 * 60_000),
      })
      .mockRejectedValueOnce(new Error("refresh failed"))
      .mockResolvedValueOnce({
        accessKeyId: "AKIDPLANTED",
        secretAccessKey: SECRET_KEY,
        sessionToken: SESSION_TOKEN,
        expiration: new Date(time - 1),
      })
      .mockRejectedValue(new Error("still failing"));
    const provider = withRefresh(source, { now, jitter: false, onEvent: (e) => events.push(e) });

    await provider(); // fresh
    time += 46 * 60_000;
    await provider(); // background refresh fails, stale served
    await new Promise((r) => setImmediate(r));
    await provider();
    time += 10_000;
    await provider({ forceRefresh: true }).catch((error: unknown) => outputs.push(String(error), inspect(error)));
    time += 20 * 60_000;
    await provider().catch((error: unknown) => outputs.push(String(error), inspect(error, { depth: 5 })));

    outputs.push(...events.map((event) => inspect(event, { depth: 5 })), JSON.stringify(events));
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["refreshed", "refresh-failed", "stale-credentials-served"]),
    );
    expect(outputs.length).toBeGreaterThan(events.length);
    for (const text of outputs) {
      expect(text).not.toContain(SECRET_KEY);
      expect(text).not.toContain(SESSION_TOKEN);
    }
  });
});

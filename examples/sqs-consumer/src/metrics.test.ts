import { describe, expect, it } from "vitest";
import { Metrics } from "./metrics.js";

describe(Metrics.name, () => {
  it("renders every counter in the Prometheus text format", () => {
    let ready = true;
    const metrics = new Metrics({ name: "consumer", version: "1.2.3", gitCommit: 'a"b' }, () => ready);
    metrics.received = 7;
    metrics.deleted = 5;
    metrics.failed = 1;
    metrics.inFlight = 1;
    metrics.pollErrors = 2;
    metrics.credentialRefreshes = 3;
    const text = metrics.render();
    const samples = Object.fromEntries(
      text
        .split("\n")
        .filter((line) => line !== "" && !line.startsWith("#"))
        .map((line) => [line.slice(0, line.lastIndexOf(" ")), Number(line.slice(line.lastIndexOf(" ") + 1))]),
    );
    expect(samples).toMatchObject({
      sqs_consumer_messages_received_total: 7,
      sqs_consumer_messages_deleted_total: 5,
      sqs_consumer_messages_failed_total: 1,
      sqs_consumer_messages_in_flight: 1,
      sqs_consumer_poll_errors_total: 2,
      sqs_consumer_credential_refreshes_total: 3,
      sqs_consumer_ready: 1,
    });
    expect(text).toContain(`sqs_consumer_build_info{name="consumer",version="1.2.3",git_commit="a\\"b",node="${process.version}"} 1`);
    expect(text).toMatch(/^# TYPE sqs_consumer_messages_received_total counter$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    ready = false;
    expect(metrics.render()).toMatch(/^sqs_consumer_ready 0$/m);
  });

  it("counts credentialRecovery() events by type, every type present from the start", () => {
    const metrics = new Metrics({ name: "c", version: "1", gitCommit: "x" }, () => true);
    expect(metrics.render()).toMatch(/^sqs_consumer_credential_recovery_events_total\{type="refresh-forced"\} 0$/m);
    metrics.recordCredentialRecovery({ type: "credentials-refused", code: "ExpiredToken", reason: "refused-code", httpStatusCode: 403 });
    metrics.recordCredentialRecovery({ type: "refresh-forced", code: "ExpiredToken" });
    metrics.recordCredentialRecovery({ type: "retried", code: "ExpiredToken", succeeded: true });
    const samples = metrics.render().split("\n").filter((line) => line.startsWith("sqs_consumer_credential_recovery_events_total{"));
    expect(samples).toEqual([
      'sqs_consumer_credential_recovery_events_total{type="credentials-refused"} 1',
      'sqs_consumer_credential_recovery_events_total{type="refresh-forced"} 1',
      'sqs_consumer_credential_recovery_events_total{type="retried"} 1',
      'sqs_consumer_credential_recovery_events_total{type="not-retried"} 0',
    ]);
  });

  it("gives every sample a HELP and a TYPE line, and counters names ending in _total", () => {
    const lines = new Metrics({ name: "c", version: "1", gitCommit: "x" }, () => true).render().trimEnd().split("\n");
    const families = new Map<string, { help?: string; type?: string; samples: number }>();
    const family = (name: string) => families.get(name) ?? families.set(name, { samples: 0 }).get(name)!;
    for (const line of lines) {
      const comment = /^# (HELP|TYPE) (\w+) (.+)$/.exec(line);
      if (comment !== null) {
        const [, kind, name = "", text = ""] = comment;
        const entry = family(name);
        // HELP and TYPE come before the family's samples.
        expect(entry.samples, line).toBe(0);
        if (kind === "HELP") entry.help = text;
        else entry.type = text;
        continue;
      }
      const sample = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
      expect(sample, line).not.toBeNull();
      expect(Number.isFinite(Number(sample?.[3])), line).toBe(true);
      family(sample?.[1] ?? "").samples += 1;
    }
    for (const [name, entry] of families) {
      expect(entry.help, name).toEqual(expect.any(String));
      expect(["counter", "gauge"], name).toContain(entry.type);
      expect(entry.samples, name).toBeGreaterThanOrEqual(1);
      expect(name.endsWith("_total"), name).toBe(entry.type === "counter");
    }
  });
});

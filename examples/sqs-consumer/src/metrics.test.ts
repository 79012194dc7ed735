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
});

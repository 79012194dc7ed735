/** The consumer's counters and gauges, rendered in the Prometheus text exposition format (version 0.0.4). */
export class Metrics {
  /** Messages received from SQS. */
  received = 0;
  /** Messages handled and deleted. */
  deleted = 0;
  /** Messages whose handler failed (they go back to the queue). */
  failed = 0;
  /** Messages received and not yet deleted or returned. */
  inFlight = 0;
  /** Receive calls that failed (endpoint down, credentials failing, throttled…). */
  pollErrors = 0;
  /** Delete or visibility calls that failed: those messages are redelivered after their visibility timeout. */
  queueCallErrors = 0;
  /** Credentials newly obtained from their source (the first time and every refresh). */
  credentialRefreshes = 0;
  /** Refreshes of the credentials that failed. */
  credentialRefreshFailures = 0;

  /** @param readiness - read at each scrape: whether `/readyz` currently answers 200 */
  constructor(
    private readonly labels: { readonly name: string; readonly version: string; readonly gitCommit: string },
    private readonly readiness: () => boolean,
  ) {}

  /** The counters as a plain object, for log lines. */
  snapshot(): Record<string, number> {
    return {
      received: this.received,
      deleted: this.deleted,
      failed: this.failed,
      inFlight: this.inFlight,
      pollErrors: this.pollErrors,
      credentialRefreshes: this.credentialRefreshes,
    };
  }

  /** The text a Prometheus scrape of `/metrics` gets. */
  render(): string {
    const lines: string[] = [];
    const metric = (name: string, type: "counter" | "gauge", help: string, value: number, labels = ""): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}${labels} ${value}`);
    };
    metric("sqs_consumer_messages_received_total", "counter", "Messages received from SQS.", this.received);
    metric("sqs_consumer_messages_deleted_total", "counter", "Messages handled and deleted.", this.deleted);
    metric("sqs_consumer_messages_failed_total", "counter", "Messages whose handler failed.", this.failed);
    metric(
      "sqs_consumer_messages_in_flight",
      "gauge",
      "Messages received and not yet deleted or returned to the queue.",
      this.inFlight,
    );
    metric("sqs_consumer_poll_errors_total", "counter", "ReceiveMessage calls that failed.", this.pollErrors);
    metric(
      "sqs_consumer_queue_call_errors_total",
      "counter",
      "Delete and visibility calls that failed.",
      this.queueCallErrors,
    );
    metric(
      "sqs_consumer_credential_refreshes_total",
      "counter",
      "Credentials obtained from their source.",
      this.credentialRefreshes,
    );
    metric(
      "sqs_consumer_credential_refresh_failures_total",
      "counter",
      "Credential refreshes that failed.",
      this.credentialRefreshFailures,
    );
    metric("sqs_consumer_ready", "gauge", "1 when /readyz answers 200.", this.readiness() ? 1 : 0);
    metric(
      "sqs_consumer_build_info",
      "gauge",
      "Build of the running consumer.",
      1,
      `{name="${escapeLabel(this.labels.name)}",version="${escapeLabel(this.labels.version)}",` +
        `git_commit="${escapeLabel(this.labels.gitCommit)}",node="${escapeLabel(process.version)}"}`,
    );
    metric(
      "process_resident_memory_bytes",
      "gauge",
      "Resident memory size in bytes.",
      process.memoryUsage.rss(),
    );
    return `${lines.join("\n")}\n`;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

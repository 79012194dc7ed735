import type { CredentialRecoveryEvent } from "@workload-identity/credentials";

/** The kinds of `credentialRecovery()` events, each counted under its own `type` label. */
export const CREDENTIAL_RECOVERY_EVENT_TYPES = ["credentials-refused", "refresh-forced", "retried", "not-retried"] as const;

type RecoveryEventType = CredentialRecoveryEvent["type"];

/** One metric family of the exposition: its samples, by label set (`""` for none). */
interface Family {
  readonly name: string;
  readonly type: "counter" | "gauge";
  readonly help: string;
  readonly samples: readonly (readonly [labels: string, value: number])[];
}

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
  /** `credentialRecovery()`'s events by type: refusals seen, refreshes forced, requests retried or not. */
  readonly credentialRecoveryEvents: Record<RecoveryEventType, number> = {
    "credentials-refused": 0,
    "refresh-forced": 0,
    retried: 0,
    "not-retried": 0,
  };

  /** @param readiness - read at each scrape: whether `/readyz` currently answers 200 */
  constructor(
    private readonly labels: { readonly name: string; readonly version: string; readonly gitCommit: string },
    private readonly readiness: () => boolean,
  ) {}

  /** Counts one event of `credentialRecovery()` (its `onEvent`). */
  recordCredentialRecovery(event: CredentialRecoveryEvent): void {
    this.credentialRecoveryEvents[event.type] += 1;
  }

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
    return `${[...this.messageFamilies(), ...this.credentialFamilies(), ...this.processFamilies()].flatMap(renderFamily).join("\n")}\n`;
  }

  private messageFamilies(): Family[] {
    return [
      counter("sqs_consumer_messages_received_total", "Messages received from SQS.", this.received),
      counter("sqs_consumer_messages_deleted_total", "Messages handled and deleted.", this.deleted),
      counter("sqs_consumer_messages_failed_total", "Messages whose handler failed.", this.failed),
      gauge("sqs_consumer_messages_in_flight", "Messages received and not yet deleted or returned to the queue.", this.inFlight),
      counter("sqs_consumer_poll_errors_total", "ReceiveMessage calls that failed.", this.pollErrors),
      counter("sqs_consumer_queue_call_errors_total", "Delete and visibility calls that failed.", this.queueCallErrors),
    ];
  }

  private credentialFamilies(): Family[] {
    return [
      counter("sqs_consumer_credential_refreshes_total", "Credentials obtained from their source.", this.credentialRefreshes),
      counter("sqs_consumer_credential_refresh_failures_total", "Credential refreshes that failed.", this.credentialRefreshFailures),
      {
        name: "sqs_consumer_credential_recovery_events_total",
        type: "counter",
        help: "credentialRecovery() events: credentials a service refused, refreshes forced, requests retried or not.",
        samples: CREDENTIAL_RECOVERY_EVENT_TYPES.map((type) => [`{type="${type}"}`, this.credentialRecoveryEvents[type]] as const),
      },
    ];
  }

  private processFamilies(): Family[] {
    const { name, version, gitCommit } = this.labels;
    const build = `{name="${escapeLabel(name)}",version="${escapeLabel(version)}",git_commit="${escapeLabel(gitCommit)}",node="${escapeLabel(process.version)}"}`;
    return [
      gauge("sqs_consumer_ready", "1 when /readyz answers 200.", this.readiness() ? 1 : 0),
      { name: "sqs_consumer_build_info", type: "gauge", help: "Build of the running consumer.", samples: [[build, 1]] },
      gauge("process_resident_memory_bytes", "Resident memory size in bytes.", process.memoryUsage.rss()),
    ];
  }
}

function counter(name: string, help: string, value: number): Family {
  return { name, type: "counter", help, samples: [["", value]] };
}

function gauge(name: string, help: string, value: number): Family {
  return { name, type: "gauge", help, samples: [["", value]] };
}

function renderFamily(family: Family): string[] {
  return [
    `# HELP ${family.name} ${family.help}`,
    `# TYPE ${family.name} ${family.type}`,
    ...family.samples.map(([labels, value]) => `${family.name}${labels} ${value}`),
  ];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

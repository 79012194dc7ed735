// `pnpm demo [--roles-anywhere] [--raw]`: the whole story on one machine. A local stand-in for AWS and the cluster
// (OIDC issuer + STS, or a private CA + IAM Roles Anywhere; and an SQS server) starts on 127.0.0.1; the example
// consumer starts as a child process with only the environment a pod would have; messages are sent and handled;
// the short-lived credentials are refreshed; SIGTERM stops it cleanly. Exits 0 only if every step checked out.
import { execFileSync } from "node:child_process";
import { type ConsumerProcess, formatLine, startConsumerProcess } from "./demo/consumer-process.js";
import { type DemoWorld, startRolesAnywhereWorld, startWebIdentityWorld } from "./demo/world.js";

const rolesAnywhere = process.argv.includes("--roles-anywhere");
const raw = process.argv.includes("--raw");
const CREDENTIAL_LIFETIME_SECONDS = 10;
const DEADLINE_MS = 60_000;
const startedAt = Date.now();

const step = (text: string): void => console.log(`\n\u25b6 ${text}`);
const note = (text: string): void => console.log(`  ${text}`);

async function send(world: DemoWorld, bodies: readonly object[]): Promise<void> {
  // The producer is another service; its calls are not part of the consumer's signing log.
  await world.sqs.sendMessages(world.queueUrl, bodies.map((body) => JSON.stringify(body)));
}

function handledCount(consumer: ConsumerProcess): number {
  return consumer.lines.filter((l) => l.msg === "message handled").length;
}

/** Starts the consumer with only the pod's environment (and short long polls), printing its log lines. */
function startConsumer(world: DemoWorld): ConsumerProcess {
  const env = {
    ...world.podEnv,
    QUEUE_URL: world.queueUrl,
    STATUS_PROBE_ADDR: "127.0.0.1:0",
    // Short long-polls so the demo's timeline is quick; production keeps the default 20 s.
    WAIT_TIME_SECONDS: "2",
    SHUTDOWN_TIMEOUT_MS: "10000",
    // What the image's build stage bakes in (see the Dockerfile), for the startup version line.
    GIT_COMMIT: gitCommit(),
    BUILD_TIME: new Date().toISOString(),
  };
  for (const [name, value] of Object.entries(env)) note(`${name}=${value}`);
  console.log("");
  return startConsumerProcess(env, (line, text) => console.log(`  consumer \u2502 ${raw ? text : formatLine(line)}`));
}

/** The story: messages handled, a refresh, SIGTERM with slow messages in flight. Returns the source line and the exit. */
async function runStory(world: DemoWorld, running: ConsumerProcess) {
  const source = await running.waitFor((l) => /using (web-identity|roles-anywhere)/.test(l.msg), "the credential source line", 20_000);
  await running.waitFor((l) => l.msg === "receiving messages", "the consumer to start receiving", 20_000);
  const probe = await running.waitFor((l) => l.msg === "probe server listening", "the probe address", 1_000);

  step("Sending 5 orders");
  await send(world, [1, 2, 3, 4, 5].map((order) => ({ order })));
  await running.waitFor(() => handledCount(running) >= 5, "5 messages handled", 15_000);

  step(`Waiting for the ${CREDENTIAL_LIFETIME_SECONDS}-second credentials to be refreshed ahead of expiry`);
  note('(the "expire very soon" warnings are expected: real credentials live an hour, these 10 seconds)');
  await running.waitFor((l) => l.msg === "credentials refreshed", "a credential refresh", 20_000);

  step("Sending 3 slow orders (1.5 s of work each), then SIGTERM while they are in flight");
  await send(world, [6, 7, 8].map((order) => ({ order, workMs: 1_500 })));
  await waitForInFlight(`http://${String(probe.address)}/metrics`, 3, 15_000);
  note(`kill -TERM ${running.child.pid}`);
  running.child.kill("SIGTERM");
  return { source, exit: await running.exited };
}

/** Prints which keys signed the consumer's SQS calls, and whether the credential service issued them. */
function printSigningLog(world: DemoWorld): Map<string, Map<string, number>> {
  step("What signed the consumer's SQS calls (the queue server's signing log)");
  const issued = world.issuedKeyIds();
  const byKey = new Map<string, Map<string, number>>();
  for (const call of world.sqs.signedCalls) {
    const actions = byKey.get(call.accessKeyId) ?? new Map<string, number>();
    actions.set(call.action, (actions.get(call.action) ?? 0) + 1);
    byKey.set(call.accessKeyId, actions);
  }
  for (const [keyId, actions] of byKey) {
    const index = issued.indexOf(keyId);
    const origin = index === -1 ? "NOT issued by the credential service" : `credentials #${index + 1} issued to the pod`;
    note(`${keyId}  ${origin}: ${[...actions].map(([a, n]) => `${a} ${n}`).join(", ")}`);
  }
  return byKey;
}

/** Everything that did not check out. */
function problemsOf(world: DemoWorld, running: ConsumerProcess, exit: { code: number | null; signal: string | null }, keys: number): string[] {
  const issued = world.issuedKeyIds();
  const calls = world.sqs.signedCalls;
  const problems: string[] = [];
  if (exit.code !== 0) problems.push(`the consumer exited with code ${exit.code} (signal ${exit.signal})`);
  if (handledCount(running) !== 8) problems.push(`${handledCount(running)} of 8 messages handled`);
  if (calls.some((c) => !issued.includes(c.accessKeyId))) problems.push("a call was signed with keys nobody issued");
  if (keys < 2) problems.push("the calls were not signed with refreshed credentials");
  if (!calls.every((c) => c.sessionToken !== undefined)) problems.push("a call was signed without a session token");
  const last = running.lines.at(-1);
  if (last?.msg !== "stopped cleanly") problems.push(`the last log line is "${String(last?.msg)}", not "stopped cleanly"`);
  else if (last.deleted !== 8 || last.inFlight !== 0) {
    problems.push(`the consumer stopped with ${String(last.deleted)} messages deleted and ${String(last.inFlight)} in flight`);
  }
  return problems;
}

async function main(): Promise<void> {
  const mode = rolesAnywhere ? "IAM Roles Anywhere (a cluster outside AWS)" : "IRSA web identity (EKS)";
  console.log(`workload-identity demo: an SQS consumer in a pod, credentials from ${mode}`);

  step("Starting the stand-ins for AWS and the cluster on 127.0.0.1");
  const world = rolesAnywhere
    ? await startRolesAnywhereWorld(CREDENTIAL_LIFETIME_SECONDS)
    : await startWebIdentityWorld(CREDENTIAL_LIFETIME_SECONDS);
  let consumer: ConsumerProcess | undefined;
  try {
    const width = Math.max(...world.description.map(([what]) => what.length));
    for (const [what, where] of world.description) note(`${what.padEnd(width)}  ${where}`);
    step("Starting examples/sqs-consumer with only the pod's environment");
    consumer = startConsumer(world);
    const { source, exit } = await runStory(world, consumer);
    const keys = printSigningLog(world).size;
    const problems = problemsOf(world, consumer, exit, keys);

    step("Result");
    note(`credential source: ${source.msg.replace(/^.*using /, "")}`);
    note(`consumer exit code ${String(exit.code)}; ${handledCount(consumer)} messages handled and deleted; ${keys} sets of credentials used`);
    for (const problem of problems) note(`FAILED: ${problem}`);
    if (problems.length === 0) note(`demo complete in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    else fail(consumer);
  } catch (error) {
    console.error(`\ndemo failed: ${(error as Error).message}`);
    fail(consumer);
  } finally {
    if (consumer !== undefined && consumer.child.exitCode === null && consumer.child.signalCode === null) {
      consumer.child.kill("SIGKILL");
    }
    await world.close();
  }
}

/** Exit code 1, with the consumer's stderr when it wrote any. */
function fail(consumer: ConsumerProcess | undefined): void {
  if (consumer !== undefined && consumer.stderr() !== "") console.error(`consumer stderr:\n${consumer.stderr()}`);
  process.exitCode = 1;
}

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

async function waitForInFlight(metricsUrl: string, count: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  const pattern = new RegExp(`^sqs_consumer_messages_in_flight ${count}$`, "m");
  while (Date.now() < until) {
    const text = await (await fetch(metricsUrl)).text();
    if (pattern.test(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${count} messages in flight`);
}

const deadline = setTimeout(() => {
  console.error(`\ndemo failed: not finished after ${DEADLINE_MS / 1000} s`);
  process.exit(1);
}, DEADLINE_MS);
deadline.unref();
await main();

// `pnpm pods [--no-build] [--messages N] [--results FILE] [--measurements FILE] [--verbose]`: the images, run as a pod
// runs them. Builds both images (scripts/images/build.ts, cached), checks what is in them, then runs the containers of
// the example's Deployment manifests with podman (scripts/images/pod.ts: the manifests' args, environment, mounts,
// user, read-only root, capabilities and memory limit) against the demo's local AWS stand-ins on 127.0.0.1
// (scripts/demo/world.ts):
//   1. IRSA: the consumer image with only what the EKS webhook injects, the projected token mounted read-only;
//   2. Roles Anywhere in process: the consumer image with the certificate Secret mounted;
//   3. Roles Anywhere sidecar: the sidecar image serving the certificate's credentials, its startup probe, and the
//      consumer image reading them over the container-credentials route.
// Each consumer handles a load of messages, turns ready, and is stopped by `podman stop` (SIGTERM through the image's
// tini) with slow messages in flight: it must finish them and exit 0 with nothing lost. The peak RSS of each process
// is measured (/proc VmHWM) and checked against the manifest's memory request. Exits 0 only if every check passed.
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatLine, type LogLine } from "../demo/consumer-process.js";
import { type DemoWorld, REGION, startRolesAnywhereWorld, startWebIdentityWorld } from "../demo/world.js";
import { buildImages, IMAGES, pinnedNodeVersion } from "./build.js";
import { Checks } from "./checks.js";
import {
  containerOf,
  EXPLAIN_CLI,
  emptyDirVolume,
  environmentOf,
  expandReferences,
  freePort,
  loadManifests,
  type ManifestObject,
  memoryBytes,
  type PodContainer,
  type PodSpec,
  podSpecOf,
  projectedTokenVolume,
  secretVolume,
  startPodContainer,
} from "./pod.js";
import { podman, podmanStatus, REPO_ROOT } from "./podman.js";

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : argv[index + 1];
};
const MESSAGES = Number(option("--messages") ?? 8000);
const SLOW_MESSAGES = 3;
const SLOW_WORK_MS = 3000;
const VERBOSE = argv.includes("--verbose");
const DEADLINE_MS = 15 * 60_000;
const DEPLOY = join(REPO_ROOT, "examples/sqs-consumer/deploy");
const MiB = 1024 * 1024;

const checks = new Checks();
const run = `wi-pods-${process.pid}`;
const cleanups: (() => Promise<unknown>)[] = [];
const measurements: Record<string, { peakRssMiB: number; requestMiB: number; limitMiB: number }> = {};

// ---------------------------------------------------------------------------------------------------------------
// What is in the images

async function checkImages(): Promise<void> {
  checks.section("images");
  const node = `v${pinnedNodeVersion(24)}`;
  for (const [name, image] of Object.entries(IMAGES)) {
    const config = JSON.parse(await podman(["image", "inspect", "--format={{json .Config}}", image.tag])) as {
      User?: string;
      Entrypoint?: string[];
    };
    checks.check(`${name}: runs as 65534:65534`, config.User === "65534:65534", `User ${String(config.User)}`);
    checks.check(`${name}: tini is PID 1`, config.Entrypoint?.[0] === "/usr/bin/tini", JSON.stringify(config.Entrypoint));
    const version = await podman(["run", "--rm", "--entrypoint=/usr/local/bin/node", image.tag, "--version"]);
    checks.check(`${name}: Node ${node} (scripts/node-matrix.sh's pin)`, version.trim() === node, version.trim());
    const root = (await podman(["image", "mount", image.tag])).trim();
    try {
      const present = async (path: string) => stat(join(root, path)).then(() => true, () => false);
      const found: string[] = [];
      for (const path of ["bin/sh", "bin/bash", "usr/bin/apt-get", "usr/bin/dpkg", "usr/local/bin/npm", "usr/local/lib/node_modules/npm", "usr/local/bin/corepack"]) {
        if (await present(path)) found.push(path);
      }
      checks.check(`${name}: no shell and no package manager`, found.length === 0, found.length === 0 ? "" : `found ${found.join(", ")}`);
    } finally {
      await podman(["image", "unmount", image.tag]);
    }
  }

  const misconfigured = await podmanStatus(["run", "--rm", "--read-only", "--read-only-tmpfs=false", IMAGES.consumer.tag]);
  const fatal = misconfigured.stdout.split("\n").find((line) => line.includes('"CONFIG_INVALID"'));
  checks.check("consumer: without configuration it exits 78 with one CONFIG_INVALID line", misconfigured.code === 78 && fatal !== undefined, `exit ${misconfigured.code}`);

  const help = await podmanStatus(["run", "--rm", "--read-only", "--read-only-tmpfs=false", IMAGES.sidecar.tag, "serve", "--help"]);
  const sidecarArgs = containerOf(podSpecOf(loadManifests(join(DEPLOY, "roles-anywhere/sidecar"))), "roles-anywhere").args ?? [];
  const flags = sidecarArgs.filter((arg) => arg.startsWith("--")).map((arg) => arg.split("=")[0] ?? arg);
  const missing = flags.filter((flag) => !help.stdout.includes(flag));
  checks.check(
    "sidecar: the entrypoint runs `serve --help` from the built CLI, and it lists every flag the manifest passes",
    help.code === 0 && help.stdout.startsWith("Usage: roles-anywhere") && missing.length === 0,
    missing.length === 0 ? `exit ${help.code}, ${flags.length} flags` : `missing ${missing.join(", ")}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// A scenario's host directories (the pod's volumes go below it)

async function workDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pod-scenarios-"));
  // uid 65534 must traverse it to reach the volumes below.
  await chmod(dir, 0o755);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

// ---------------------------------------------------------------------------------------------------------------
// The consumer container's run: load, readiness, a stop with messages in flight

/** The messages in the queue, visible or not (fauxqs's GetQueueAttributes; the producer's call is unsigned). */
async function queueDepth(world: DemoWorld): Promise<number> {
  const response = await fetch(`${world.sqs.endpoint}/`, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.GetQueueAttributes" },
    body: JSON.stringify({
      QueueUrl: world.queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
    }),
  });
  const { Attributes = {} } = (await response.json()) as { Attributes?: Record<string, string> };
  return Object.values(Attributes).reduce((sum, value) => sum + Number(value), 0);
}

async function get(url: string): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(url);
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: (error as Error).message };
  }
}

async function until<T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function printer(label: string): (line: LogLine) => void {
  return (line) => {
    if (VERBOSE || line.level === "error" || line.level === "fatal" || line.level === "raw") console.log(`    ${label} \u2502 ${formatLine(line)}`);
  };
}

function recordMemory(label: string, container: PodContainer, pod: PodSpec, name: string): void {
  const resources = containerOf(pod, name).resources;
  const request = memoryBytes(resources?.requests?.memory ?? "0");
  const limit = memoryBytes(resources?.limits?.memory ?? "0");
  const peak = container.peakRssBytes();
  measurements[label] = { peakRssMiB: Math.round((peak / MiB) * 10) / 10, requestMiB: request / MiB, limitMiB: limit / MiB };
  checks.check(
    `${label}: peak RSS below the manifest's memory request`,
    peak > 0 && peak < request,
    `peak ${(peak / MiB).toFixed(1)} MiB, request ${request / MiB} Mi, limit ${limit / MiB} Mi`,
  );
}

interface ConsumerRun {
  readonly label: string;
  readonly world: DemoWorld;
  readonly objects: readonly ManifestObject[];
  readonly pod: PodSpec;
  /** What the pod gets on top of the manifest: the webhook's variables, the stand-ins' endpoints. */
  readonly env: Record<string, string>;
  readonly volumes: Record<string, string>;
  /** The source `fromEnvironmentAware()` must report. */
  readonly source: string;
  /** Wait for a credential refresh before stopping (short-lived credentials). */
  readonly expectRefresh: boolean;
}

/** What the phases of one consumer run share. */
interface ConsumerContext {
  readonly options: ConsumerRun;
  readonly consumer: ReturnType<typeof startPodContainer>;
  /** The consumer's probe server. */
  readonly origin: string;
}

/** The consumer's container, started as the manifest says, with the stand-ins' queue and a loopback probe port. */
async function startConsumer(options: ConsumerRun): Promise<ConsumerContext> {
  const { label, world, pod } = options;
  const manifestContainer = containerOf(pod, "consumer");
  const probePort = await freePort();
  const env = {
    ...environmentOf(manifestContainer, options.objects),
    ...options.env,
    // The stand-ins' queue, and the probe server on loopback (the pod's 0.0.0.0:8080 would be the host's here).
    QUEUE_URL: world.queueUrl,
    STATUS_PROBE_ADDR: `127.0.0.1:${probePort}`,
    AWS_ENDPOINT_URL_SQS: world.sqs.endpoint,
  };
  const consumer = startPodContainer({
    name: `${run}-${label}-consumer`,
    image: IMAGES.consumer.tag,
    pod,
    container: manifestContainer,
    env,
    volumes: options.volumes,
    logStream: "stdout",
    print: printer("consumer"),
  });
  cleanups.push(() => consumer.remove());
  return { options, consumer, origin: `http://127.0.0.1:${probePort}` };
}

/** Ready within the startup probe's budget, live, the right source, and `explain` run in the container agrees. */
async function checkStartup({ options, consumer, origin }: ConsumerContext): Promise<void> {
  const { label } = options;
  const manifestContainer = containerOf(options.pod, "consumer");
  const startupBudgetMs = (manifestContainer.startupProbe?.periodSeconds ?? 2) * (manifestContainer.startupProbe?.failureThreshold ?? 15) * 1000;
  const startedAt = Date.now();
  await until("/readyz 200", startupBudgetMs, async () => ((await get(`${origin}/readyz`)).status === 200 ? true : undefined));
  checks.check(`${label}: /readyz turns ready within the startup probe's budget`, true, `${Date.now() - startedAt} ms`);
  const livez = await get(`${origin}/livez`);
  checks.check(`${label}: /livez answers 200`, livez.status === 200, `HTTP ${livez.status}`);
  const source = consumer.lines.find((l) => / using [\w-]+:/.test(l.msg));
  checks.check(`${label}: fromEnvironmentAware() chose ${options.source}`, source?.msg.includes(` using ${options.source}:`) === true, source?.msg ?? "no source line");

  // What the docs run to check a pod: `kubectl -n orders exec deploy/orders-consumer -c consumer -- node EXPLAIN explain`.
  const explained = await consumer.exec(["node", EXPLAIN_CLI, "explain", "--json"]);
  const explanation = (() => {
    try {
      return JSON.parse(explained.stdout) as { source?: string; error?: unknown; credentials?: { expiration?: string } };
    } catch {
      return {};
    }
  })();
  checks.check(
    `${label}: \`explain\` run in the container reports ${options.source}, credentials resolved, no error`,
    explained.code === 0 && explanation.source === options.source && explanation.error === undefined && explanation.credentials?.expiration !== undefined,
    `exit ${explained.code}, source ${String(explanation.source)}${explained.stderr === "" ? "" : `, ${explained.stderr.trim().slice(0, 200)}`}`,
  );

}

/** The load: every message sent is handled (and, with short-lived credentials, a refresh happens meanwhile). */
async function checkLoad({ options, consumer }: ConsumerContext): Promise<{ ids: string[]; handled: () => LogLine[] }> {
  const { label, world } = options;
  const handled = () => consumer.lines.filter((l) => l.msg === "message handled");
  const loadStartedAt = Date.now();
  const ids = await world.sqs.sendMessages(world.queueUrl, Array.from({ length: MESSAGES }, (_, order) => JSON.stringify({ order })));
  await consumer.waitFor(() => handled().length >= MESSAGES, `${MESSAGES} messages handled`, 180_000);
  const loadSeconds = (Date.now() - loadStartedAt) / 1000;
  checks.check(`${label}: ${MESSAGES} messages sent and handled`, true, `${loadSeconds.toFixed(1)} s, ${(MESSAGES / loadSeconds).toFixed(0)} messages/s`);
  if (options.expectRefresh) {
    await consumer.waitFor((l) => l.msg === "credentials refreshed", "a credential refresh", 60_000);
    checks.check(`${label}: the short-lived credentials were refreshed in the container`, true);
  }

  return { ids, handled };
}

/** SIGTERM with messages in flight: they finish, the process exits 0 within the grace period, nothing is lost. */
async function checkGracefulStop(context: ConsumerContext, ids: string[], handled: () => LogLine[]): Promise<void> {
  const { options, consumer, origin } = context;
  const { label, world, pod } = options;
  ids.push(...(await world.sqs.sendMessages(world.queueUrl, Array.from({ length: SLOW_MESSAGES }, (_, i) => JSON.stringify({ order: MESSAGES + i, workMs: SLOW_WORK_MS })))));
  await until(`${SLOW_MESSAGES} messages in flight`, 30_000, async () => {
    const metrics = await get(`${origin}/metrics`);
    return new RegExp(`^sqs_consumer_messages_in_flight ${SLOW_MESSAGES}$`, "m").test(metrics.body) ? true : undefined;
  }, 50);
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  const stopping = consumer.stop(grace);
  const stopLine = await consumer.waitFor((l) => l.msg.startsWith("stopping"), "the stopping line", 10_000);
  const readyWhileStopping = await get(`${origin}/readyz`);
  const { exitCode, durationMs } = await stopping;
  checks.check(`${label}: SIGTERM through tini; /readyz 503 while stopping`, stopLine.signal === "SIGTERM" && readyWhileStopping.status === 503, `signal ${String(stopLine.signal)}, HTTP ${readyWhileStopping.status}`);
  checks.check(`${label}: podman stop -t ${grace} ends it with exit 0 before the grace period`, exitCode === 0 && durationMs < grace * 1000, `exit ${exitCode} after ${durationMs} ms`);

  const afterStop = consumer.lines.slice(consumer.lines.indexOf(stopLine));
  const finishedAfterStop = afterStop.filter((l) => l.msg === "message handled").length;
  const last = consumer.lines.at(-1);
  checks.check(
    `${label}: the ${SLOW_MESSAGES} in-flight messages finished after SIGTERM, and the last line is "stopped cleanly" with all deleted`,
    finishedAfterStop === SLOW_MESSAGES && last?.msg === "stopped cleanly" && last.deleted === ids.length && last.inFlight === 0,
    `${finishedAfterStop} finished after SIGTERM; last "${String(last?.msg)}", deleted ${String(last?.deleted)} of ${ids.length}, in flight ${String(last?.inFlight)}`,
  );
  const handledIds = new Set(handled().map((l) => String(l.messageId)));
  const lost = ids.filter((id) => !handledIds.has(id));
  const depth = await queueDepth(world);
  checks.check(`${label}: nothing lost: every message sent was handled, and the queue is empty`, lost.length === 0 && depth === 0, `${lost.length} not handled, ${depth} left in the queue`);

}

/** Every SQS call was signed with credentials the stand-ins issued to the pod. */
function checkSigning({ options }: ConsumerContext): void {
  const { label, world } = options;
  const issued = world.issuedKeyIds();
  const calls = world.sqs.signedCalls;
  const keys = new Set(calls.map((c) => c.accessKeyId));
  const foreign = [...keys].filter((key) => !issued.includes(key));
  checks.check(
    `${label}: every SQS call signed with credentials the stand-in issued to the pod, with a session token`,
    calls.length > 0 && foreign.length === 0 && calls.every((c) => c.sessionToken !== undefined),
    `${calls.length} calls, ${keys.size} key(s)${foreign.length === 0 ? "" : `, foreign: ${foreign.join(", ")}`}`,
  );
  if (options.expectRefresh) checks.check(`${label}: calls signed with the refreshed credentials too`, keys.size >= 2, `${keys.size} key(s)`);
}

async function runConsumer(options: ConsumerRun): Promise<void> {
  const context = await startConsumer(options);
  const { consumer } = context;
  try {
    await checkStartup(context);
    const { ids, handled } = await checkLoad(context);
    await checkGracefulStop(context, ids, handled);
    checkSigning(context);
    recordMemory(`${options.label} consumer`, consumer, options.pod, "consumer");
  } catch (error) {
    checks.failed(`${options.label}: the consumer's run`, error);
    for (const line of consumer.lines.slice(-15)) console.log(`    consumer \u2502 ${formatLine(line)}`);
    if (consumer.stderr() !== "") console.log(`    consumer stderr \u2502 ${consumer.stderr().slice(-2000)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios

async function irsa(): Promise<void> {
  checks.section("IRSA: the consumer image with a pod's web-identity environment");
  const objects = loadManifests(join(DEPLOY, "irsa"));
  const pod = podSpecOf(objects);
  const account = objects.find((o) => o.kind === "ServiceAccount");
  const roleArn = account?.metadata.annotations?.["eks.amazonaws.com/role-arn"] ?? "";
  const world = await startWebIdentityWorld(20);
  cleanups.push(() => world.close());
  checks.check("the ServiceAccount's role is the one the stand-in STS trusts", roleArn === world.podEnv.AWS_ROLE_ARN, roleArn);
  const work = await workDir();
  const token = await readFile(world.podEnv.AWS_WEB_IDENTITY_TOKEN_FILE ?? "", "utf8");
  const tokenDir = "/var/run/secrets/eks.amazonaws.com/serviceaccount";
  // What the EKS pod identity webhook adds to the pod: the token volume, and these variables.
  const volumes = { "aws-iam-token": await projectedTokenVolume(join(work, "aws-iam-token"), token, pod) };
  const withToken: PodSpec = {
    ...pod,
    containers: pod.containers.map((c) => (c.name === "consumer" ? { ...c, volumeMounts: [...(c.volumeMounts ?? []), { name: "aws-iam-token", mountPath: tokenDir, readOnly: true }] } : c)),
  };
  await runConsumer({
    label: "irsa",
    world,
    objects,
    pod: withToken,
    env: {
      AWS_ROLE_ARN: roleArn,
      AWS_WEB_IDENTITY_TOKEN_FILE: `${tokenDir}/token`,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_STS_REGIONAL_ENDPOINTS: account?.metadata.annotations?.["eks.amazonaws.com/sts-regional-endpoints"] === "true" ? "regional" : "legacy",
      AWS_ENDPOINT_URL_STS: world.podEnv.AWS_ENDPOINT_URL_STS ?? "",
    },
    volumes,
    source: "web-identity",
    expectRefresh: true,
  });
}

/** The Secret a `kubectl create secret tls` (or cert-manager) makes: tls.crt holds the leaf, then its chain. */
async function certificateSecret(world: DemoWorld, dir: string, pod: PodSpec): Promise<string> {
  const read = (variable: string) => readFile(world.podEnv[variable] ?? "", "utf8");
  return secretVolume(
    dir,
    {
      "tls.crt": `${await read("AWS_ROLES_ANYWHERE_CERTIFICATE")}${await read("AWS_ROLES_ANYWHERE_CERTIFICATE_CHAIN")}`,
      "tls.key": await read("AWS_ROLES_ANYWHERE_PRIVATE_KEY"),
    },
    pod,
  );
}

/** The ConfigMap's ARNs replaced by the stand-in account's. */
function rolesAnywhereArns(world: DemoWorld): Record<string, string> {
  return Object.fromEntries(
    ["AWS_ROLES_ANYWHERE_TRUST_ANCHOR_ARN", "AWS_ROLES_ANYWHERE_PROFILE_ARN", "AWS_ROLES_ANYWHERE_ROLE_ARN"].map((name) => [name, world.podEnv[name] ?? ""]),
  );
}

async function rolesAnywhereInProcess(): Promise<void> {
  checks.section("Roles Anywhere in process: the consumer image with the certificate Secret mounted");
  const objects = loadManifests(join(DEPLOY, "roles-anywhere/in-process"));
  const pod = podSpecOf(objects);
  const world = await startRolesAnywhereWorld(20);
  cleanups.push(() => world.close());
  const work = await workDir();
  await runConsumer({
    label: "roles-anywhere-in-process",
    world,
    objects,
    pod,
    env: { ...rolesAnywhereArns(world), AWS_ENDPOINT_URL_ROLESANYWHERE: world.podEnv.AWS_ENDPOINT_URL_ROLESANYWHERE ?? "" },
    volumes: { certificate: await certificateSecret(world, join(work, "certificate"), pod) },
    source: "roles-anywhere",
    expectRefresh: true,
  });
}

/** Runs a container's exec startup probe as the kubelet does: every periodSeconds, failureThreshold times at most. */
async function checkStartupProbe(
  container: ReturnType<typeof startPodContainer>,
  manifest: ReturnType<typeof containerOf>,
): Promise<void> {
  const probe = manifest.startupProbe;
  const command = probe?.exec?.command ?? [];
  let attempts = 0;
  let status = -1;
  while (attempts < (probe?.failureThreshold ?? 0) && status !== 0) {
    attempts += 1;
    status = (await container.exec(command)).code;
    if (status !== 0) await new Promise((resolve) => setTimeout(resolve, (probe?.periodSeconds ?? 1) * 1000));
  }
  checks.check(`sidecar: the startup probe \`${command.join(" ")}\` succeeds in the image`, status === 0, `after ${attempts} attempt(s)`);
}

/** `podman stop` ends the sidecar with exit 0, and it removes the token file it wrote. */
async function checkSidecarStop(sidecar: ReturnType<typeof startPodContainer>, grace: number, tokenDir: string): Promise<void> {
  const { exitCode, durationMs } = await sidecar.stop(grace);
  checks.check("sidecar: podman stop ends it with exit 0", exitCode === 0, `exit ${exitCode} after ${durationMs} ms`);
  const tokenLeft = await stat(join(tokenDir, "token")).then(() => true, () => false);
  checks.check("sidecar: it removed the token file it wrote", !tokenLeft);
}

async function rolesAnywhereSidecar(): Promise<void> {
  checks.section("Roles Anywhere sidecar: the sidecar image serves the certificate's credentials to the consumer image");
  const objects = loadManifests(join(DEPLOY, "roles-anywhere/sidecar"));
  const pod = podSpecOf(objects);
  const manifestSidecar = containerOf(pod, "roles-anywhere");
  const world = await startRolesAnywhereWorld(3600);
  cleanups.push(() => world.close());
  const work = await workDir();
  const volumes = {
    certificate: await certificateSecret(world, join(work, "certificate"), pod),
    "credentials-token": await emptyDirVolume(join(work, "credentials-token")),
  };
  // The manifest's port is 9911; a free one here, changed in the sidecar's flag and the consumer's URI alike.
  const port = await freePort();
  const sidecarEnv = {
    ...environmentOf(manifestSidecar, objects),
    ...rolesAnywhereArns(world),
    AWS_ENDPOINT_URL_ROLESANYWHERE: world.podEnv.AWS_ENDPOINT_URL_ROLESANYWHERE ?? "",
  };
  const args = (manifestSidecar.args ?? []).map((arg) => (arg === "--port=9911" ? `--port=${port}` : expandReferences(arg, sidecarEnv)));
  checks.check("the manifest's sidecar listens on 9911 (replaced here by a free port)", args.includes(`--port=${port}`), args.join(" "));
  const sidecar = startPodContainer({
    name: `${run}-roles-anywhere-sidecar`,
    image: IMAGES.sidecar.tag,
    pod,
    container: manifestSidecar,
    env: sidecarEnv,
    args,
    volumes,
    logStream: "stderr",
    print: printer("sidecar"),
  });
  cleanups.push(() => sidecar.remove());
  try {
    await checkStartupProbe(sidecar, manifestSidecar);
    const serving = sidecar.lines.find((l) => l.msg === "serving credentials");
    checks.check("sidecar: it logs \"serving credentials\" on its port, 127.0.0.1 only", serving?.port === port && String(serving.AWS_CONTAINER_CREDENTIALS_FULL_URI).startsWith(`http://127.0.0.1:${port}/`), JSON.stringify(serving?.AWS_CONTAINER_CREDENTIALS_FULL_URI));

    const consumerEnv = environmentOf(containerOf(pod, "consumer"), objects);
    await runConsumer({
      label: "roles-anywhere-sidecar",
      world,
      objects,
      pod,
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: (consumerEnv.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? "").replace(":9911/", `:${port}/`) },
      volumes,
      source: "pod-identity",
      expectRefresh: false,
    });

    // A native sidecar stops after the main containers.
    await checkSidecarStop(sidecar, pod.terminationGracePeriodSeconds ?? 30, volumes["credentials-token"]);
    recordMemory("roles-anywhere-sidecar sidecar", sidecar, pod, "roles-anywhere");
  } catch (error) {
    checks.failed("sidecar: the sidecar's run", error);
    for (const line of sidecar.lines.slice(-15)) console.log(`    sidecar \u2502 ${formatLine(line)}`);
    if (sidecar.stderr() !== "") console.log(`    sidecar stdout \u2502 ${sidecar.stderr().slice(-2000)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** Adds this run's peaks to FILE's `runs` (docs/pod-memory.json is such a file: the manifests' tests read it). */
async function appendMeasurements(file: string): Promise<void> {
  const previous: { runs?: unknown[] } = await readFile(file, "utf8").then((text) => JSON.parse(text) as { runs?: unknown[] }, () => ({}));
  const runs = [
    ...(previous.runs ?? []),
    {
      date: new Date().toISOString().slice(0, 10),
      command: `pnpm pods --messages ${MESSAGES}`,
      messages: MESSAGES,
      node: `v${pinnedNodeVersion(24)}`,
      peakRssMiB: Object.fromEntries(Object.entries(measurements).map(([label, m]) => [label, m.peakRssMiB])),
    },
  ];
  await writeFile(file, `${JSON.stringify({ ...previous, runs }, null, 2)}\n`);
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  if (!argv.includes("--no-build")) {
    checks.section("build");
    try {
      const seconds = await buildImages((line) => console.log(`  ${line}`));
      checks.check("both images built from the local base, --pull=never", true, Object.entries(seconds).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", "));
    } catch (error) {
      checks.failed("both images built from the local base, --pull=never", error);
    }
  }
  // Without images there is nothing to run; the results still say why.
  const steps = checks.failures === 0 ? [checkImages, irsa, rolesAnywhereInProcess, rolesAnywhereSidecar] : [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      checks.failed(step.name, error);
    } finally {
      while (cleanups.length > 0) await cleanups.pop()?.().catch(() => undefined);
    }
  }
  console.log("\n\u25b6 peak resident memory (VmHWM of each container's main process)");
  for (const [label, m] of Object.entries(measurements)) {
    console.log(`  ${label.padEnd(34)} ${m.peakRssMiB.toFixed(1).padStart(6)} MiB   request ${m.requestMiB} Mi, limit ${m.limitMiB} Mi`);
  }
  const measurementsFile = option("--measurements");
  if (measurementsFile !== undefined) await appendMeasurements(measurementsFile);
  const resultsFile = option("--results");
  if (resultsFile !== undefined) checks.writeVitestJson(resultsFile);
  console.log(`\npods: ${checks.count - checks.failures} passed, ${checks.failures} failed (${((Date.now() - startedAt) / 1000).toFixed(0)} s)`);
}

const deadline = setTimeout(() => {
  console.error(`pods: not finished after ${DEADLINE_MS / 60_000} minutes`);
  void Promise.allSettled(cleanups.map((cleanup) => cleanup())).then(() => process.exit(1));
}, DEADLINE_MS);
deadline.unref();
await main();
process.exitCode = checks.failures === 0 && checks.count > 0 ? 0 : 1;

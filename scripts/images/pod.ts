// Runs the containers of a Deployment manifest with podman, as the kubelet would run them in a pod: the manifest's
// args (with `$(VAR)` expanded from the container's environment), environment (ConfigMaps and inline values), volume
// mounts, user and groups (runAsUser, runAsGroup, fsGroup), read-only root filesystem, dropped capabilities, no
// privilege escalation and memory limit. The containers share the host's network namespace (`--network host`), as
// a pod's containers share theirs: 127.0.0.1 is the same for all of them, and the local AWS stand-ins are on it.
import { readdirSync, readFileSync } from "node:fs";
import { chmod, chown, mkdir, readFile, realpath, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { createProjectedTokenDir } from "@workload-identity/testing";
import { parseAllDocuments } from "yaml";
import { type ConsumerProcess, followJsonLines, type LogLine } from "../demo/consumer-process.js";
import { podman, type PodmanResult, podmanStatus, spawnPodman } from "./podman.js";

/**
 * The credentials package's CLI in the consumer image, relative to its WORKDIR (/app). The image has no shell and no
 * npx: `kubectl exec … -- node EXPLAIN_CLI explain` is how the docs check a running pod.
 */
export const EXPLAIN_CLI = "node_modules/@workload-identity/cli/dist/workload-identity.mjs";

/** The parts of a Kubernetes container spec these scenarios use. */
export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value?: string }[];
  readonly envFrom?: readonly { readonly configMapRef?: { readonly name: string } }[];
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string; readonly readOnly?: boolean }[];
  readonly startupProbe?: ProbeSpec;
  readonly readinessProbe?: ProbeSpec;
  readonly livenessProbe?: ProbeSpec;
  readonly resources?: { readonly requests?: { readonly memory?: string }; readonly limits?: { readonly memory?: string } };
  readonly securityContext?: {
    readonly readOnlyRootFilesystem?: boolean;
    readonly allowPrivilegeEscalation?: boolean;
    readonly capabilities?: { readonly drop?: readonly string[] };
  };
}

/** A probe: the scenarios run exec probes in the container and HTTP probes against 127.0.0.1. */
export interface ProbeSpec {
  readonly exec?: { readonly command: readonly string[] };
  readonly httpGet?: { readonly path: string; readonly port: number | string };
  readonly periodSeconds?: number;
  readonly failureThreshold?: number;
}

/** The parts of a pod spec these scenarios use. */
export interface PodSpec {
  readonly terminationGracePeriodSeconds?: number;
  readonly securityContext?: { readonly runAsUser?: number; readonly runAsGroup?: number; readonly fsGroup?: number };
  readonly initContainers?: readonly ContainerSpec[];
  readonly containers: readonly ContainerSpec[];
}

/** One object of a manifest file. */
export interface ManifestObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly annotations?: Record<string, string> };
  readonly data?: Record<string, string>;
  readonly spec?: { readonly template?: { readonly spec: PodSpec } };
}

/** Every object of every `*.yaml` file in `dir`. */
export function loadManifests(dir: string): ManifestObject[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".yaml"))
    .flatMap((name) => parseAllDocuments(readFileSync(join(dir, name), "utf8")).map((doc) => doc.toJS() as ManifestObject));
}

/** The pod template of the one Deployment among `objects`. */
export function podSpecOf(objects: readonly ManifestObject[]): PodSpec {
  const deployments = objects.filter((o) => o.kind === "Deployment");
  const spec = deployments[0]?.spec?.template?.spec;
  if (deployments.length !== 1 || spec === undefined) throw new Error(`expected one Deployment, found ${deployments.length}`);
  return spec;
}

/** The container (or init container) named `name`. */
export function containerOf(pod: PodSpec, name: string): ContainerSpec {
  const container = [...(pod.initContainers ?? []), ...pod.containers].find((c) => c.name === name);
  if (container === undefined) throw new Error(`no container named ${name}`);
  return container;
}

/** The environment the kubelet gives `container`: its ConfigMaps' data, then its inline values. */
export function environmentOf(container: ContainerSpec, objects: readonly ManifestObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const map = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === from.configMapRef?.name);
    if (map === undefined) throw new Error(`ConfigMap ${String(from.configMapRef?.name)} is not among the manifests`);
    Object.assign(env, map.data);
  }
  for (const { name, value } of container.env ?? []) env[name] = value ?? "";
  return env;
}

/** `$(VAR)` in an argument replaced by the variable's value, as the kubelet does (unknown references stay). */
export function expandReferences(arg: string, env: Readonly<Record<string, string>>): string {
  return arg.replace(/\$\((\w+)\)/g, (whole, name: string) => env[name] ?? whole);
}

/** "256Mi" → bytes. */
export function memoryBytes(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity);
  if (match === null) throw new Error(`unsupported memory quantity ${quantity}`);
  return Number(match[1]) * { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, "": 1 }[match[2] ?? ""]!;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Volumes, laid out as the kubelet lays them out (run as root: files are given to the pod's fsGroup).

/** A Secret volume: files of mode `defaultMode`, group fsGroup (what the kubelet does with fsGroup). */
export async function secretVolume(dir: string, files: Record<string, string>, pod: PodSpec, defaultMode = 0o440): Promise<string> {
  await mkdir(dir, { mode: 0o755 });
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(dir, name), content, { mode: defaultMode });
    await chown(join(dir, name), 0, pod.securityContext?.fsGroup ?? 0);
  }
  return dir;
}

/** A projected service-account token volume (kubelet's `..data` layout), the token readable by fsGroup. */
export async function projectedTokenVolume(dir: string, token: string, pod: PodSpec): Promise<string> {
  const volume = await createProjectedTokenDir({ dir });
  await volume.write(token);
  await chmod(dir, 0o755);
  const file = await realpath(volume.tokenFile);
  await chown(file, 0, pod.securityContext?.fsGroup ?? 0);
  await chmod(file, 0o440);
  return dir;
}

/** An emptyDir: mode 0777, as the kubelet makes it. */
export async function emptyDirVolume(dir: string): Promise<string> {
  await mkdir(dir);
  await chmod(dir, 0o777);
  return dir;
}

/** What to run: a manifest's container, the local image standing in for its registry image, and the pod's volumes. */
export interface PodContainerOptions {
  /** The podman container's name (unique per run). */
  readonly name: string;
  /** The local image to run in place of `container.image`. */
  readonly image: string;
  readonly pod: PodSpec;
  readonly container: ContainerSpec;
  /** The container's environment (see {@link environmentOf}), with whatever the scenario changed. */
  readonly env: Readonly<Record<string, string>>;
  /** The args after `$(VAR)` expansion and the scenario's changes; the manifest's when not given. */
  readonly args?: readonly string[];
  /** Volume name → host directory standing in for it. */
  readonly volumes: Readonly<Record<string, string>>;
  /** Which stream the container logs JSON lines on. */
  readonly logStream: "stdout" | "stderr";
  readonly print: (line: LogLine) => void;
}

/** The `podman run` arguments for a container of a pod, from its manifest. */
export function podmanRunArgs(options: PodContainerOptions): string[] {
  const { pod, container } = options;
  const security = pod.securityContext ?? {};
  const args = ["run", `--name=${options.name}`, "--network=host", "--pull=never"];
  if (security.runAsUser !== undefined) args.push(`--user=${security.runAsUser}:${security.runAsGroup ?? security.runAsUser}`);
  // The kubelet adds fsGroup to every container's groups and gives the pod's volumes to that group.
  if (security.fsGroup !== undefined) args.push(`--group-add=${security.fsGroup}`);
  // Kubernetes mounts no tmpfs on a read-only root; podman would (/tmp, /run), hiding a write the pod would refuse.
  if (container.securityContext?.readOnlyRootFilesystem === true) args.push("--read-only", "--read-only-tmpfs=false");
  for (const capability of container.securityContext?.capabilities?.drop ?? []) args.push(`--cap-drop=${capability}`);
  if (container.securityContext?.allowPrivilegeEscalation === false) args.push("--security-opt=no-new-privileges");
  const limit = container.resources?.limits?.memory;
  if (limit !== undefined) args.push(`--memory=${memoryBytes(limit)}`, `--memory-swap=${memoryBytes(limit)}`);
  for (const mount of container.volumeMounts ?? []) {
    const host = options.volumes[mount.name];
    if (host === undefined) throw new Error(`no host directory for volume ${mount.name}`);
    args.push(`--volume=${host}:${mount.mountPath}:${mount.readOnly === true ? "ro" : "rw"}`);
  }
  for (const [name, value] of Object.entries(options.env)) args.push(`--env=${name}=${value}`);
  if (container.command !== undefined) args.push(`--entrypoint=${JSON.stringify(container.command)}`);
  args.push(options.image, ...(options.args ?? (container.args ?? []).map((arg) => expandReferences(arg, options.env))));
  return args;
}

/** A running container of the pod, followed through its attached `podman run`. */
export interface PodContainer extends ConsumerProcess {
  readonly name: string;
  /** The host pid of the container's main process (under tini: tini's child), once it runs. */
  mainPid(): Promise<number | undefined>;
  /** Runs `command` in the container (an exec probe, `kubectl exec`); resolves with its exit status and output. */
  exec(command: readonly string[]): Promise<PodmanResult>;
  /** `podman stop -t GRACE`: SIGTERM to the image's init, SIGKILL after GRACE seconds. Resolves with the exit code and how long it took. */
  stop(graceSeconds: number): Promise<{ exitCode: number; durationMs: number }>;
  /** Highest VmHWM (peak resident set) seen for the main process, in bytes; sampled until it exits. */
  peakRssBytes(): number;
  /** Removes the container (after it stopped, or by force). */
  remove(): Promise<void>;
}

/** Starts the container (attached, so its output streams here) and samples its main process's peak RSS. */
export function startPodContainer(options: PodContainerOptions): PodContainer {
  const child = spawnPodman(podmanRunArgs(options), "pipe");
  const followed = followJsonLines(child, options.print, `container ${options.name}`, options.logStream);
  let peak = 0;
  let pid: number | undefined;
  const mainPid = async (): Promise<number | undefined> => {
    if (pid !== undefined) return pid;
    const result = await podmanStatus(["inspect", "--format={{.State.Pid}}", options.name]);
    const initPid = Number(result.stdout.trim());
    if (result.code !== 0 || !(initPid > 0)) return undefined;
    // PID 1 of the image is tini; the process to measure is its one child.
    const children = await readFile(`/proc/${initPid}/task/${initPid}/children`, "utf8").catch(() => "");
    const first = Number(children.trim().split(/\s+/)[0]);
    if (first > 0) pid = first;
    return pid;
  };
  const sampler = setInterval(() => {
    void mainPid().then(async (current) => {
      if (current === undefined) return;
      const status = await readFile(`/proc/${current}/status`, "utf8").catch(() => "");
      const kib = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kib * 1024);
    });
  }, 100);
  void followed.exited.then(() => clearInterval(sampler));
  return Object.assign(followed, {
    name: options.name,
    mainPid,
    exec: (command: readonly string[]) => podmanStatus(["exec", options.name, ...command]),
    async stop(graceSeconds: number) {
      const startedAt = Date.now();
      await podman(["stop", `--time=${graceSeconds}`, options.name], { timeoutMs: (graceSeconds + 30) * 1000 });
      const durationMs = Date.now() - startedAt;
      await followed.exited;
      const state = await podman(["inspect", "--format={{.State.ExitCode}}", options.name]);
      return { exitCode: Number(state.trim()), durationMs };
    },
    peakRssBytes: () => peak,
    async remove() {
      clearInterval(sampler);
      await podmanStatus(["rm", "--force", "--time=0", options.name]);
    },
  });
}

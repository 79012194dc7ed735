import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { childProcessEnv } from "@workload-identity/testing";
import { describe, expect, it } from "vitest";
import { containerOf, type ContainerSpec, environmentOf, expandReferences, memoryBytes, type ManifestObject, type PodSpec, podSpecOf } from "../../../scripts/images/pod.js";
import { loadConfig, parseAddress, RETURN_ON_TIMEOUT_MS, STOP_CHECK_INTERVAL_MS } from "@workload-identity/example-sqs-consumer";
import { DEPLOY, type ManifestFolder, manifestFolders, measuredPeaksMiB, REPO_ROOT, validateObject } from "./support/manifests.js";

// What is checked here is what a bad edit would break at deploy time: the Kubernetes schemas (kubernetes-models), and
// the rules between objects and against the consumer, the sidecar and the measured memory. scripts/images/pods.ts
// runs the same manifests' containers with podman.

const folders = manifestFolders();
const folder = (name: string): ManifestFolder => {
  const found = folders.find((f) => f.folder === name);
  if (found === undefined) throw new Error(`deploy/${name} is missing`);
  return found;
};
const ofKind = (objects: readonly ManifestObject[], kind: string) => objects.filter((o) => o.kind === kind);
type Raw = Record<string, any>;

const allContainers = (pod: PodSpec): ContainerSpec[] => [...(pod.initContainers ?? []), ...pod.containers];

describe("deploy/", () => {
  it("has exactly the folders the docs apply, each with one Deployment", () => {
    expect(folders.map((f) => f.folder).sort()).toEqual(["irsa", "pod-identity", "roles-anywhere/in-process", "roles-anywhere/sidecar"]);
    for (const { folder: name, objects } of folders) expect(ofKind(objects, "Deployment"), name).toHaveLength(1);
  });

  describe.each(folders.map((f) => [f.folder, f] as const))("%s", (name, { objects }) => {
    const pod = podSpecOf(objects);
    const consumer = containerOf(pod, "consumer");
    const env = environmentOf(consumer, objects);

    it("validates against the Kubernetes schemas (kubernetes-models)", async () => {
      for (const object of objects) {
        await expect(validateObject(object), `${object.kind} ${object.metadata.name}`).resolves.toBeUndefined();
      }
    });

    it("names each object once, all in the namespace orders, and holds no Secret (those are created apart)", () => {
      const keys = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(new Set(keys).size, keys.join(", ")).toBe(keys.length);
      for (const object of objects) expect((object.metadata as Raw).namespace, object.metadata.name).toBe("orders");
      expect(ofKind(objects, "Secret")).toEqual([]);
    });

    it("gives the consumer an environment that passes its own validation", () => {
      expect(() => loadConfig(env)).not.toThrow();
    });

    it("selects its own pods", () => {
      const spec = ofKind(objects, "Deployment")[0]?.spec as Raw;
      expect(spec.template.metadata.labels).toMatchObject(spec.selector.matchLabels);
    });

    it("gives the pod more grace than the shutdown timeout, the time to notice it and to return unfinished messages", () => {
      const stopMs = loadConfig(env).shutdownTimeoutMs + STOP_CHECK_INTERVAL_MS + RETURN_ON_TIMEOUT_MS;
      expect((pod.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(stopMs);
    });

    it("probes the consumer's /livez and /readyz on STATUS_PROBE_ADDR's port, bound where the kubelet can reach it", () => {
      const address = parseAddress(env.STATUS_PROBE_ADDR ?? "0.0.0.0:8080");
      // The kubelet probes the pod IP: a probe server on loopback would never answer it.
      expect(address?.host).not.toMatch(/^(127\.|localhost$|::1$)/);
      const portNumber = (port: number | string) =>
        typeof port === "number" ? port : (consumer as Raw).ports.find((p: Raw) => p.name === port)?.containerPort;
      expect(consumer.livenessProbe?.httpGet?.path).toBe("/livez");
      expect(consumer.readinessProbe?.httpGet?.path).toBe("/readyz");
      for (const probe of [consumer.livenessProbe, consumer.readinessProbe, consumer.startupProbe]) {
        expect(portNumber(probe?.httpGet?.port ?? -1)).toBe(address?.port);
      }
    });

    it("probes other containers only by commands their image has (they listen on 127.0.0.1 only)", () => {
      const rootfs = readFileSync(`${REPO_ROOT}images/runtime-rootfs.sh`, "utf8");
      for (const container of allContainers(pod).filter((c) => c.name !== "consumer")) {
        for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe].filter(Boolean)) {
          expect(probe?.httpGet, container.name).toBeUndefined();
          expect((probe as Raw).tcpSocket, container.name).toBeUndefined();
          const binary = probe?.exec?.command[0] ?? "";
          // An absolute path (no shell, no PATH lookup) that images/runtime-rootfs.sh puts into the image.
          expect(binary, container.name).toMatch(/^\//);
          expect(rootfs).toContain(`"$dir${binary}"`);
        }
      }
    });

    it("runs every container as uid 65534, non-root, read-only root filesystem, no privileges", () => {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 });
      for (const container of allContainers(pod)) {
        expect(container.securityContext, container.name).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
        });
      }
    });

    it("requests more memory than the highest peak measured in the pod scenarios (docs/pod-memory.json), under its limit", () => {
      const peaks = measuredPeaksMiB();
      for (const container of allContainers(pod)) {
        const measured = Object.entries(peaks)
          .filter(([label]) => label.endsWith(container.name === "consumer" ? " consumer" : ` sidecar`))
          .map(([, peak]) => peak);
        expect(measured.length, `measurements for ${container.name}`).toBeGreaterThan(0);
        const request = memoryBytes(container.resources?.requests?.memory ?? "0") / 1024 ** 2;
        const limit = memoryBytes(container.resources?.limits?.memory ?? "0") / 1024 ** 2;
        expect(request, container.name).toBeGreaterThan(Math.max(...measured));
        expect(limit, container.name).toBeGreaterThanOrEqual(request);
      }
    });

    it("mounts only volumes it declares, Secrets only by the name the README creates", () => {
      const declared = ((pod as Raw).volumes ?? []) as Raw[];
      for (const volume of declared) {
        if (volume.secret !== undefined) expect(volume.secret.secretName).toBe("orders-consumer-certificate");
        else expect(volume.emptyDir, volume.name).toBeDefined();
      }
      for (const container of allContainers(pod)) {
        for (const mount of container.volumeMounts ?? []) expect(declared.map((v) => v.name)).toContain(mount.name);
      }
    });

    it("has no static AWS keys", () => {
      for (const container of allContainers(pod)) {
        const names = Object.keys(environmentOf(container, objects));
        expect(names.filter((n) => /ACCESS_KEY|SECRET|SESSION_TOKEN/.test(n)), container.name).toEqual([]);
      }
    });
  });

  it("runs the same consumer in every variant, but for how it gets credentials", () => {
    const credentialFree = (f: ManifestFolder) => {
      const consumer = containerOf(podSpecOf(f.objects), "consumer");
      const env = Object.entries(environmentOf(consumer, f.objects)).filter(([n]) => !/^AWS_(ROLES_ANYWHERE|CONTAINER)_/.test(n));
      const { image: _image, env: _env, envFrom: _envFrom, volumeMounts: _mounts, ...rest } = consumer as Raw;
      return { rest, env: Object.fromEntries(env) };
    };
    const reference = credentialFree(folder("irsa"));
    for (const f of folders) expect(credentialFree(f), f.folder).toEqual(reference);
  });

  it("IRSA: the Deployment runs as the ServiceAccount annotated with the role", () => {
    const { objects } = folder("irsa");
    const [account] = ofKind(objects, "ServiceAccount");
    expect(account?.metadata.annotations?.["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/);
    expect((podSpecOf(objects) as Raw).serviceAccountName).toBe(account?.metadata.name);
  });

  it("Pod Identity: the same pod as IRSA, as a ServiceAccount without the IRSA annotation", () => {
    const irsa = folder("irsa").objects;
    const podIdentity = folder("pod-identity").objects;
    expect(ofKind(podIdentity, "Deployment")[0]?.spec).toEqual(ofKind(irsa, "Deployment")[0]?.spec);
    const [account] = ofKind(podIdentity, "ServiceAccount");
    expect(account?.metadata.name).toBe((podSpecOf(podIdentity) as Raw).serviceAccountName);
    expect(Object.keys(account?.metadata.annotations ?? {}).filter((a) => a.startsWith("eks.amazonaws.com/"))).toEqual([]);
  });

  it("Roles Anywhere: both folders hold the same ConfigMap of valid ARNs", () => {
    const [inProcess] = ofKind(folder("roles-anywhere/in-process").objects, "ConfigMap");
    const [sidecar] = ofKind(folder("roles-anywhere/sidecar").objects, "ConfigMap");
    expect(sidecar).toEqual(inProcess);
    expect(inProcess?.data).toMatchObject({
      AWS_ROLES_ANYWHERE_TRUST_ANCHOR_ARN: expect.stringMatching(/^arn:aws:rolesanywhere:[a-z0-9-]+:\d{12}:trust-anchor\/[0-9a-f-]{36}$/),
      AWS_ROLES_ANYWHERE_PROFILE_ARN: expect.stringMatching(/^arn:aws:rolesanywhere:[a-z0-9-]+:\d{12}:profile\/[0-9a-f-]{36}$/),
      AWS_ROLES_ANYWHERE_ROLE_ARN: expect.stringMatching(/^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/),
    });
  });

  it("Roles Anywhere in process: the certificate variables point into the mounted Secret", () => {
    const { objects } = folder("roles-anywhere/in-process");
    const consumer = containerOf(podSpecOf(objects), "consumer");
    const env = environmentOf(consumer, objects);
    const mount = consumer.volumeMounts?.find((m) => m.name === "certificate");
    expect(env.AWS_ROLES_ANYWHERE_CERTIFICATE).toBe(`${mount?.mountPath}/tls.crt`);
    expect(env.AWS_ROLES_ANYWHERE_PRIVATE_KEY).toBe(`${mount?.mountPath}/tls.key`);
  });

  describe("Roles Anywhere sidecar", () => {
    const { objects } = folder("roles-anywhere/sidecar");
    const pod = podSpecOf(objects);
    const sidecar = containerOf(pod, "roles-anywhere");
    const consumer = containerOf(pod, "consumer");
    const env = environmentOf(consumer, objects);
    const args = (sidecar.args ?? []).map((arg) => expandReferences(arg, environmentOf(sidecar, objects)));
    const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

    it("is a native sidecar whose image's entrypoint is the CLI: args only, every $(VAR) defined", () => {
      expect(pod.initContainers?.map((c) => c.name)).toEqual(["roles-anywhere"]);
      expect((sidecar as Raw).restartPolicy).toBe("Always");
      expect(sidecar.command).toBeUndefined();
      expect(args[0]).toBe("serve");
      expect(args.filter((a) => a.includes("$("))).toEqual([]);
    });

    it("serves the port and token file the consumer reads, and only the sidecar mounts the key", () => {
      const uri = new URL(env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? "");
      expect(uri.hostname).toBe("127.0.0.1");
      expect(uri.port).toBe(flag("port"));
      expect(uri.pathname).toBe("/v1/credentials");
      expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE).toBe(flag("container-token-file"));
      const tokenDir = (flag("container-token-file") ?? "").replace(/\/[^/]+$/, "");
      const volumeAt = (container: ContainerSpec) => container.volumeMounts?.find((m) => m.mountPath === tokenDir);
      expect(volumeAt(consumer)?.name).toBeDefined();
      expect(volumeAt(consumer)?.name).toBe(volumeAt(sidecar)?.name);
      expect(volumeAt(consumer)?.readOnly).toBe(true);
      const certificateMount = sidecar.volumeMounts?.find((m) => m.name === "certificate")?.mountPath;
      expect(flag("certificate")).toBe(`${certificateMount}/tls.crt`);
      expect(flag("private-key")).toBe(`${certificateMount}/tls.key`);
      expect(consumer.volumeMounts?.map((m) => m.name)).not.toContain("certificate");
    });

    it("passes flags the CLI accepts: it gets past parsing and stops at the missing certificate (exit 1, not 2)", async () => {
      const main = `${REPO_ROOT}packages/cli/src/roles-anywhere/main.ts`;
      const result = await promisify(execFile)(process.execPath, ["--import", "tsx", main, ...args], {
        cwd: REPO_ROOT,
        env: childProcessEnv(),
      }).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      );
      expect(result.stderr).not.toContain("CLI_USAGE");
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("ROLES_ANYWHERE_FILE_UNREADABLE");
      expect(result.stderr).toContain(flag("certificate"));
    });
  });
});

describe("deploy/iam-policy.json", () => {
  const policy = JSON.parse(readFileSync(`${DEPLOY}iam-policy.json`, "utf8")) as Raw;

  it("allows exactly the SQS actions the consumer calls, on one queue", () => {
    // ReceiveMessage; DeleteMessageBatch and ChangeMessageVisibilityBatch are authorized as DeleteMessage and
    // ChangeMessageVisibility; GetQueueAttributes is the startup readiness check.
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement).toHaveLength(1);
    const [statement] = policy.Statement;
    expect(statement.Effect).toBe("Allow");
    expect([...statement.Action].sort()).toEqual(
      ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"].sort(),
    );
    expect(statement.Resource).toMatch(/^arn:aws:sqs:[a-z0-9-]+:\d{12}:[\w-]+$/);
  });

  it("names the queue every Deployment consumes", () => {
    for (const { folder: name, objects } of folders) {
      const url = new URL(environmentOf(containerOf(podSpecOf(objects), "consumer"), objects).QUEUE_URL ?? "");
      const [, account, queue] = url.pathname.split("/");
      const region = /^sqs\.([a-z0-9-]+)\./.exec(url.hostname)?.[1];
      expect(policy.Statement[0].Resource, name).toBe(`arn:aws:sqs:${region}:${account}:${queue}`);
    }
  });
});

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { loadConfig, parseAddress } from "../src/config.js";
import { RETURN_ON_TIMEOUT_MS } from "../src/queue-worker.js";

// What is checked here is what a bad edit would break at deploy time, not YAML style. (kubeconform, the schema
// validator, is neither on npm nor in Debian, so schemas are not checked; hadolint likewise, see the README.)

const DEPLOY = fileURLToPath(new URL("../deploy/", import.meta.url));
const DOCKERFILE = fileURLToPath(new URL("../Dockerfile", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

type Doc = Record<string, any>;

function manifests(dir: string): { file: string; doc: Doc }[] {
  return readdirSync(`${DEPLOY}${dir}`)
    .filter((name) => name.endsWith(".yaml"))
    .flatMap((name) => {
      const docs = parseAllDocuments(readFileSync(`${DEPLOY}${dir}/${name}`, "utf8"));
      for (const doc of docs) expect(doc.errors, `${dir}/${name}`).toEqual([]);
      return docs.map((doc) => ({ file: `${dir}/${name}`, doc: doc.toJS() as Doc }));
    });
}

const irsa = manifests("irsa");
const rolesAnywhere = manifests("roles-anywhere");
const all = [...irsa, ...rolesAnywhere];
const deployments = all.filter((m) => m.doc.kind === "Deployment");
const byKind = (list: typeof all, kind: string) => list.filter((m) => m.doc.kind === kind).map((m) => m.doc);

/** The container's env as the pod will see it: inline values plus envFrom ConfigMaps of this example. */
function envOf(container: Doc): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const map = byKind(all, "ConfigMap").find((c) => c.metadata.name === from.configMapRef?.name);
    expect(map, `ConfigMap ${from.configMapRef?.name}`).toBeDefined();
    Object.assign(env, map?.data);
  }
  for (const { name, value } of container.env ?? []) env[name] = value;
  return env;
}

const consumerOf = (deployment: Doc): Doc => deployment.spec.template.spec.containers.find((c: Doc) => c.name === "consumer");

describe("deploy/ manifests", () => {
  it("parse, and every object names its kind, apiVersion, name and namespace", () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
    for (const { file, doc } of all) {
      expect(doc, file).toMatchObject({ apiVersion: expect.any(String), kind: expect.any(String) });
      expect(doc.metadata, file).toMatchObject({ name: expect.any(String), namespace: "orders" });
    }
  });

  describe.each(deployments.map((d) => [d.file, d.doc] as const))("%s", (file, deployment) => {
    const pod = deployment.spec.template.spec;
    const consumer = consumerOf(deployment);
    const env = envOf(consumer);

    it("has a consumer container whose environment passes the consumer's own validation", () => {
      expect(consumer, file).toBeDefined();
      expect(() => loadConfig(env)).not.toThrow();
    });

    it("selects its own pods", () => {
      expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    });

    it("gives the consumer more grace than its shutdown timeout plus the time to return unfinished messages", () => {
      const config = loadConfig(env);
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(config.shutdownTimeoutMs + RETURN_ON_TIMEOUT_MS);
    });

    it("probes /livez and /readyz on the port of STATUS_PROBE_ADDR", () => {
      const probePort = parseAddress(env.STATUS_PROBE_ADDR ?? "0.0.0.0:8080")?.port;
      const portNumber = (port: number | string): number | undefined =>
        typeof port === "number" ? port : consumer.ports.find((p: Doc) => p.name === port)?.containerPort;
      expect(consumer.livenessProbe.httpGet.path).toBe("/livez");
      expect(consumer.readinessProbe.httpGet.path).toBe("/readyz");
      for (const probe of [consumer.livenessProbe, consumer.readinessProbe, consumer.startupProbe].filter(Boolean)) {
        expect(portNumber(probe.httpGet.port)).toBe(probePort);
      }
    });

    it("runs as uid 65534, non-root, with a read-only root filesystem and no privileges", () => {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 });
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(container.securityContext, container.name).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
        });
        expect(container.resources?.limits?.memory, container.name).toBeDefined();
      }
    });

    it("mounts every volume it declares from an object defined here (or an emptyDir)", () => {
      for (const volume of pod.volumes ?? []) {
        if (volume.secret !== undefined) {
          expect(byKind(all, "Secret").map((s) => s.metadata.name)).toContain(volume.secret.secretName);
        } else {
          expect(volume.emptyDir).toBeDefined();
        }
      }
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        for (const mount of container.volumeMounts ?? []) {
          expect(pod.volumes.map((v: Doc) => v.name)).toContain(mount.name);
        }
      }
    });
  });

  it("IRSA: the Deployment runs as the ServiceAccount annotated with the role, and has no static keys", () => {
    const [account] = byKind(irsa, "ServiceAccount");
    const [deployment] = byKind(irsa, "Deployment");
    expect(account?.metadata.annotations["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/);
    expect(deployment?.spec.template.spec.serviceAccountName).toBe(account?.metadata.name);
    const env = envOf(consumerOf(deployment as Doc));
    expect(Object.keys(env).filter((name) => /ACCESS_KEY|SECRET|SESSION_TOKEN/.test(name))).toEqual([]);
  });

  it("Roles Anywhere: a kubernetes.io/tls Secret and a ConfigMap of valid ARNs", () => {
    const [secret] = byKind(rolesAnywhere, "Secret");
    expect(secret).toMatchObject({ type: "kubernetes.io/tls" });
    expect(Object.keys(secret?.stringData ?? secret?.data ?? {}).sort()).toEqual(["tls.crt", "tls.key"]);
    const [map] = byKind(rolesAnywhere, "ConfigMap");
    expect(map?.data).toMatchObject({
      AWS_ROLES_ANYWHERE_TRUST_ANCHOR_ARN: expect.stringMatching(/^arn:aws:rolesanywhere:[a-z0-9-]+:\d{12}:trust-anchor\/[0-9a-f-]{36}$/),
      AWS_ROLES_ANYWHERE_PROFILE_ARN: expect.stringMatching(/^arn:aws:rolesanywhere:[a-z0-9-]+:\d{12}:profile\/[0-9a-f-]{36}$/),
      AWS_ROLES_ANYWHERE_ROLE_ARN: expect.stringMatching(/^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/),
    });
  });

  it("Roles Anywhere in process: the certificate variables point into the mounted Secret", () => {
    const deployment = rolesAnywhere.find((m) => m.file.endsWith("/deployment.yaml"))?.doc as Doc;
    const consumer = consumerOf(deployment);
    const env = envOf(consumer);
    const mount = consumer.volumeMounts.find((m: Doc) => m.name === "certificate");
    expect(env.AWS_ROLES_ANYWHERE_CERTIFICATE).toBe(`${mount.mountPath}/tls.crt`);
    expect(env.AWS_ROLES_ANYWHERE_PRIVATE_KEY).toBe(`${mount.mountPath}/tls.key`);
  });

  it("Roles Anywhere sidecar: the consumer reads the sidecar's port and token file, and never mounts the key", () => {
    const deployment = rolesAnywhere.find((m) => m.file.endsWith("/deployment-sidecar.yaml"))?.doc as Doc;
    const pod = deployment.spec.template.spec;
    const sidecar = pod.initContainers.find((c: Doc) => c.name === "roles-anywhere");
    const consumer = consumerOf(deployment);
    const env = envOf(consumer);
    const flag = (name: string) => sidecar.args.find((a: string) => a.startsWith(`--${name}=`))?.split("=")[1];
    expect(sidecar.restartPolicy).toBe("Always");
    expect(sidecar.args[0]).toBe("serve");
    const uri = new URL(env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? "");
    expect(uri.hostname).toBe("127.0.0.1");
    expect(uri.port).toBe(flag("port"));
    expect(uri.pathname).toBe("/v1/credentials");
    expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE).toBe(flag("container-token-file"));
    const tokenDir = (env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ?? "").replace(/\/[^/]+$/, "");
    const volumeAt = (container: Doc) => container.volumeMounts.find((m: Doc) => m.mountPath === tokenDir)?.name;
    expect(volumeAt(consumer)).toBeDefined();
    expect(volumeAt(consumer)).toBe(volumeAt(sidecar));
    expect(consumer.volumeMounts.map((m: Doc) => m.name)).not.toContain("certificate");
    for (const name of ["trust-anchor-arn", "profile-arn", "role-arn"]) {
      const reference = /^\$\((\w+)\)$/.exec(flag(name) ?? "")?.[1];
      expect(envOf(sidecar)[reference ?? ""], name).toMatch(/^arn:aws:/);
    }
  });
});

describe("deploy/iam-policy.json", () => {
  const policy = JSON.parse(readFileSync(`${DEPLOY}iam-policy.json`, "utf8")) as Doc;

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

  it("names the queue the IRSA Deployment consumes", () => {
    const env = envOf(consumerOf(byKind(irsa, "Deployment")[0] as Doc));
    const url = new URL(env.QUEUE_URL ?? "");
    const [, account, name] = url.pathname.split("/");
    const region = /^sqs\.([a-z0-9-]+)\./.exec(url.hostname)?.[1];
    expect(policy.Statement[0].Resource).toBe(`arn:aws:sqs:${region}:${account}:${name}`);
  });
});

describe("Dockerfile", () => {
  const text = readFileSync(DOCKERFILE, "utf8");
  const instructions = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .filter((line) => /^[A-Z]+\s/.test(line));
  const last = (keyword: string) => instructions.filter((line) => line.startsWith(`${keyword} `)).at(-1);

  it("is multi-stage and runs as uid 65534 under tini", () => {
    expect(instructions.filter((line) => line.startsWith("FROM ")).length).toBeGreaterThanOrEqual(2);
    expect(last("USER")).toBe("USER 65534:65534");
    expect(last("ENTRYPOINT")).toBe('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(last("CMD")).toBe('CMD ["node", "dist/main.mjs"]');
  });

  it("copies only paths that exist in the build context (the repository root) and that .dockerignore keeps", () => {
    const ignored = readFileSync(fileURLToPath(new URL("../Dockerfile.dockerignore", import.meta.url)), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
    const sources = instructions
      .filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(`${REPO_ROOT}${source}`), source).toBe(true);
      expect(ignored, source).not.toContain(source.replace(/\/$/, ""));
    }
    // What the runtime stage runs is what the example's build writes: tsdown, entry src/main.ts, `.mjs` for ESM.
    const tsdown = readFileSync(fileURLToPath(new URL("../tsdown.config.ts", import.meta.url)), "utf8");
    expect(tsdown).toMatch(/entry: \["src\/main\.ts"\]/);
    expect(tsdown).toMatch(/format: \["esm"\]/);
    expect(tsdown).toMatch(/fixedExtension: true/);
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")) as Doc;
    expect(pkg.scripts.build).toBe("tsdown");
    expect(pkg.files).toEqual(expect.arrayContaining(["dist", "build-info.json"]));
  });

  it("exposes the default probe port and pins its base image and tools", () => {
    expect(last("EXPOSE")).toBe(`EXPOSE ${loadConfig({ QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/1/q", AWS_REGION: "eu-west-1" }).probePort}`);
    expect(text).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-bookworm-slim$/m);
    expect(text).toMatch(/pnpm@\d+\.\d+\.\d+/);
    expect(text).toMatch(/--frozen-lockfile/);
  });
});

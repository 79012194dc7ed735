import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromRolesAnywhere } from "@workload-identity/roles-anywhere";
import { startRolesAnywhereEmulator } from "@workload-identity/testing";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { containerOf, EXPLAIN_CLI, type ManifestObject, podSpecOf } from "../../../scripts/images/pod.js";
import { manifestFolders, REPO_ROOT, validateObject } from "./support/manifests.js";
import { fencedBlocks, flagValue, shellCommands, words } from "./support/shell.js";

// The walk-throughs as a new user runs them: what their commands name must exist and match the manifests and the
// images; their `render` output must validate; their certificate commands must give a certificate Roles Anywhere takes.

const WALKTHROUGHS = ["docs/eks-irsa.md", "docs/pod-identity.md", "docs/roles-anywhere.md", "examples/sqs-consumer/README.md"];
const REGIONAL_SERVICES = new Set(["sqs", "ecr", "eks", "rolesanywhere"]);
const folders = manifestFolders();
const objects = folders.flatMap((f) => f.objects);
type Raw = Record<string, any>;

const text = (doc: string) => readFileSync(`${REPO_ROOT}${doc}`, "utf8");
const scriptOf = (doc: string) => fencedBlocks(text(doc), "sh").join("\n");
const commandsOf = (doc: string) => shellCommands(scriptOf(doc)).map((command) => ({ command, words: words(command) }));

/** Repository paths a command names (a glob's last segment expanded); empty when none exists. */
function matchingPaths(path: string): string[] {
  const star = path.lastIndexOf("/");
  const dir = path.slice(0, star);
  const pattern = path.slice(star + 1);
  if (!pattern.includes("*")) return existsSync(`${REPO_ROOT}${path}`) ? [path] : [];
  if (!existsSync(`${REPO_ROOT}${dir}`)) return [];
  const regExp = new RegExp(`^${pattern.replace(/\./g, "\\.").replace(/\*/g, "[^/]*")}$`);
  return readdirSync(`${REPO_ROOT}${dir}`).filter((name) => regExp.test(name)).map((name) => `${dir}/${name}`);
}

const imagesOf = (list: readonly ManifestObject[]) =>
  list.flatMap((o) => {
    const pod = o.kind === "Deployment" ? podSpecOf([o]) : undefined;
    return pod === undefined ? [] : [...(pod.initContainers ?? []), ...pod.containers].map((c) => c.image);
  });
/** The repository and tag of an image reference: what stays the same whichever registry a user pushes to. */
const repositoryAndTag = (image: string) => image.slice(image.lastIndexOf("/") + 1);

describe.each(WALKTHROUGHS)("%s", (doc) => {
  const commands = commandsOf(doc);

  it("has commands", () => {
    expect(commands.length).toBeGreaterThan(3);
  });

  it("gives --region to every regional aws command", () => {
    const regional = commands.filter(({ words: w }) => w[0] === "aws" && REGIONAL_SERVICES.has(w[1] ?? ""));
    for (const { command } of regional) expect(command, command).toMatch(/ --region[ =]/);
  });

  it("gives -n to every kubectl command but creating the namespace and applying manifests that name theirs", () => {
    for (const { command, words: w } of commands.filter(({ words: w }) => w[0] === "kubectl")) {
      if (w[1] === "apply" || (w[1] === "create" && w[2] === "namespace")) continue;
      expect(command, command).toMatch(/ (-n|--namespace)[ =]\S/);
    }
  });

  it("names only files that exist, or that an earlier command writes", () => {
    const script = scriptOf(doc);
    for (const { words: w } of commands) {
      for (const word of w) {
        const local = /^file:\/\/([^/].*)$/.exec(word)?.[1];
        if (local !== undefined) {
          // Written by the doc itself, before: `… > FILE` or `cat > FILE <<EOF`.
          expect(script.slice(0, script.indexOf(word)), word).toMatch(new RegExp(`> ${local.replace(/\./g, "\\.")}\\b`));
        } else if (/^(examples|images|docs|scripts|packages)\//.test(word)) {
          expect(matchingPaths(word), word).not.toEqual([]);
        }
      }
    }
  });

  it("builds the images the manifests run, from their Dockerfiles, with the repository root as context, and pushes what it built", () => {
    const byDockerfile: Record<string, string> = { "examples/sqs-consumer/Dockerfile": "orders-consumer:0.1.0", "images/roles-anywhere/Dockerfile": "roles-anywhere:0.1.0" };
    const manifestImages = new Set(imagesOf(objects).map(repositoryAndTag));
    const built: string[] = [];
    for (const { command, words: w } of commands) {
      if (w[0] === "docker" && w[1] === "build") {
        const dockerfile = flagValue(w, "-f", "--file") ?? "";
        const tag = flagValue(w, "-t", "--tag") ?? "";
        expect(byDockerfile[dockerfile], command).toBeDefined();
        expect(repositoryAndTag(tag), command).toBe(byDockerfile[dockerfile]);
        expect(manifestImages, command).toContain(repositoryAndTag(tag));
        expect(w.at(-1), command).toBe(".");
        built.push(tag);
      }
      if (w[0] === "docker" && w[1] === "push") expect(built, command).toContain(w[2]);
    }
  });

  it("creates the Secret the manifests mount, and runs explain the way the image allows", () => {
    const secretNames = new Set(
      folders.flatMap((f) => ((podSpecOf(f.objects) as Raw).volumes ?? []).flatMap((v: Raw) => (v.secret ? [v.secret.secretName] : []))),
    );
    for (const { command, words: w } of commands.filter(({ words: w }) => w[0] === "kubectl")) {
      const create = w.indexOf("create");
      if (create !== -1 && w[create + 1] === "secret") {
        expect(w[create + 2], command).toBe("tls");
        expect(secretNames, command).toContain(w[create + 3]);
      }
      if (w.includes("exec") && w.includes("explain")) {
        expect(w.slice(w.indexOf("--") + 1, w.indexOf("explain")), command).toEqual(["node", EXPLAIN_CLI]);
        expect(flagValue(w, "-c"), command).toBe("consumer");
      }
    }
  });

  it("applies only folders of deploy/, each whole", () => {
    for (const { command, words: w } of commands.filter(({ words: w }) => w[0] === "render")) {
      const folder = /^examples\/sqs-consumer\/deploy\/(.+)\/\*\.yaml$/.exec(w[1] ?? "")?.[1];
      expect(folders.map((f) => f.folder), command).toContain(folder);
    }
  });
});

describe("the walk-throughs' render function", () => {
  const values = {
    ACCOUNT_ID: "444455556666",
    REGION: "us-east-2",
    TRUST_ANCHOR_ARN: "arn:aws:rolesanywhere:us-east-2:444455556666:trust-anchor/11111111-2222-4333-8444-555555555555",
    PROFILE_ARN: "arn:aws:rolesanywhere:us-east-2:444455556666:profile/66666666-7777-4888-9999-000000000000",
  };
  const cases = WALKTHROUGHS.filter((doc) => doc.startsWith("docs/")).flatMap((doc) =>
    commandsOf(doc)
      .filter(({ words: w }) => w[0] === "render")
      .map(({ words: w }) => [doc, w[1] ?? ""] as const),
  );

  it.each(cases)("%s: render %s gives valid manifests with the user's account, region, registry and ARNs", async (doc, glob) => {
    const script = scriptOf(doc);
    const definition = /^render\(\) \{[\s\S]*?\}$/m.exec(script)?.[0] ?? /^render\(\) \{.*\}$/m.exec(script)?.[0];
    expect(definition, "a render() definition").toBeDefined();
    // The doc's own REGISTRY line when it derives it (ECR); a registry of the user's otherwise.
    const registryLine = /^REGISTRY=\$ACCOUNT_ID.*$/m.exec(script)?.[0] ?? "REGISTRY=ghcr.io/acme/orders";
    const output = execFileSync("bash", ["-c", `${registryLine.replace(/\s+#.*$/, "")}\n${definition}\nrender ${glob}\necho "# REGISTRY=$REGISTRY"`], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...values },
    });
    const registry = /^# REGISTRY=(.*)$/m.exec(output)?.[1] ?? "";
    const rendered = parseAllDocuments(output)
      .map((d) => d.toJS() as (ManifestObject & Raw) | null)
      .filter((o): o is ManifestObject & Raw => o !== null);
    const folder = folders.find((f) => `examples/sqs-consumer/deploy/${f.folder}/*.yaml` === glob);
    expect(rendered.length).toBe(folder?.objects.length);
    expect(output).not.toMatch(/111122223333|eu-west-1|registry\.example\.com|0b6e3c5a-|6f1d2a9e-/);
    for (const object of rendered) await expect(validateObject(object), object.kind).resolves.toBeUndefined();
    for (const image of imagesOf(rendered)) expect(image.startsWith(`${registry}/`), image).toBe(true);
    const configMap = rendered.find((o) => o.kind === "ConfigMap");
    if (configMap !== undefined) {
      expect(configMap.data).toMatchObject({
        AWS_ROLES_ANYWHERE_TRUST_ANCHOR_ARN: values.TRUST_ANCHOR_ARN,
        AWS_ROLES_ANYWHERE_PROFILE_ARN: values.PROFILE_ARN,
        AWS_ROLES_ANYWHERE_ROLE_ARN: "arn:aws:iam::444455556666:role/orders-consumer",
      });
    }
  });

  it("is there for every folder", () => {
    expect(new Set(cases.map(([, glob]) => glob))).toEqual(new Set(folders.map((f) => `examples/sqs-consumer/deploy/${f.folder}/*.yaml`)));
  });
});

describe("the walk-throughs' identities match the manifests'", () => {
  const serviceAccount = (folder: string) => folders.find((f) => f.folder === folder)?.objects.find((o) => o.kind === "ServiceAccount");

  it("IRSA: the trust policy's sub is the ServiceAccount's", () => {
    const account = serviceAccount("irsa") as Raw;
    expect(text("docs/eks-irsa.md")).toContain(`:sub": "system:serviceaccount:${account.metadata.namespace}:${account.metadata.name}"`);
  });

  it("Pod Identity: the association and the trust policy name the ServiceAccount and its namespace", () => {
    const account = serviceAccount("pod-identity") as Raw;
    const association = commandsOf("docs/pod-identity.md").find(({ words: w }) => w[2] === "create-pod-identity-association");
    expect(flagValue(association?.words ?? [], "--namespace")).toBe(account.metadata.namespace);
    expect(flagValue(association?.words ?? [], "--service-account")).toBe(account.metadata.name);
    expect(text("docs/pod-identity.md")).toContain(`"aws:RequestTag/kubernetes-service-account": "${account.metadata.name}"`);
  });

  it("Roles Anywhere: the trust policy's CN is the certificate's, and it is conditioned on the trust anchor", () => {
    const script = scriptOf("docs/roles-anywhere.md");
    const cn = /-subj "\/CN=([^"]+)"\s*$/m.exec(script.split("\n").find((line) => line.includes("-keyout tls.key")) ?? "")?.[1];
    expect(cn).toBe("orders-consumer");
    expect(script).toContain(`"aws:PrincipalTag/x509Subject/CN": "${cn}"`);
    expect(script).toContain('"ArnEquals": { "aws:SourceArn": "$TRUST_ANCHOR_ARN" }');
  });
});

describe("docs/roles-anywhere.md's certificate commands", () => {
  const openssl = spawnSync("openssl", ["version"]).status === 0;

  const skipped = openssl ? "" : " (skipped: openssl is not installed; bash scripts/setup.sh --with-test-packages)";
  it.skipIf(!openssl)(`make a CA and a certificate that IAM Roles Anywhere (the emulator) exchanges for credentials${skipped}`, async () => {
    const block = fencedBlocks(text("docs/roles-anywhere.md"), "sh").find((b) => b.includes("openssl req -x509"));
    expect(block).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), "docs-openssl-"));
    try {
      execFileSync("bash", ["-euc", block ?? ""], { cwd: dir, stdio: "pipe" });
      // What Roles Anywhere asks of an end-entity certificate, and the emulator does not check.
      const extensions = execFileSync("openssl", ["x509", "-in", "tls.crt", "-noout", "-ext", "basicConstraints,keyUsage"], { cwd: dir, encoding: "utf8" });
      expect(extensions).toMatch(/CA:FALSE/);
      expect(extensions).toMatch(/Digital Signature/);
      const trustAnchorArn = "arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/0b6e3c5a-1f2d-4c8e-9a7b-3d2e1f0a9b8c";
      const profileArn = "arn:aws:rolesanywhere:eu-west-1:111122223333:profile/6f1d2a9e-8b7c-4d3e-a2f1-0e9d8c7b6a5f";
      const roleArn = "arn:aws:iam::111122223333:role/orders-consumer";
      const emulator = await startRolesAnywhereEmulator({
        trustAnchors: [{ arn: trustAnchorArn, caCertificatePem: readFileSync(join(dir, "ca.crt"), "utf8") }],
        profiles: [{ arn: profileArn, roleArns: [roleArn] }],
      });
      try {
        const provider = fromRolesAnywhere({
          certificate: join(dir, "tls.crt"),
          privateKey: join(dir, "tls.key"),
          trustAnchorArn,
          profileArn,
          roleArn,
          endpoint: emulator.endpoint,
        });
        await expect(provider()).resolves.toMatchObject({ accessKeyId: expect.any(String), sessionToken: expect.any(String) });
        expect(emulator.calls.at(-1)).toMatchObject({ status: 201, algorithm: "AWS4-X509-ECDSA-SHA256" });
      } finally {
        await emulator.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("YAML in the docs", () => {
  const docs = [...WALKTHROUGHS, "packages/cli/README.md"];
  const snippets = docs.flatMap((doc) =>
    fencedBlocks(text(doc), "yaml").flatMap((block, index) =>
      parseAllDocuments(block)
        .map((d) => d.toJS() as Raw | null)
        .filter((o): o is Raw => o !== null && typeof o.kind === "string" && typeof o.apiVersion === "string")
        .map((o) => [`${doc} block ${index + 1} ${o.kind}`, o] as const),
    ),
  );

  it.each(snippets)("%s validates against the Kubernetes schemas", async (_name, object) => {
    await expect(validateObject(object)).resolves.toBeUndefined();
    if (object.kind === "Pod") {
      const sidecar = containerOf(object.spec, "roles-anywhere");
      expect(sidecar.command, "the image's entrypoint is the CLI").toBeUndefined();
      expect(sidecar.args?.[0]).toBe("serve");
      expect(sidecar.startupProbe?.exec?.command[0]).toBe("/usr/bin/test");
    }
  });

  it("has the CLI README's sidecar Pod among them", () => {
    expect(snippets.map(([name]) => name)).toContain("packages/cli/README.md block 1 Pod");
  });
});

import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pinnedNodeVersion } from "../../../scripts/images/build.js";
import { loadConfig } from "@workload-identity/example-sqs-consumer";
import { buildContext, copySources, dockerInstructions, finalStage, ignoreRules, isIgnored } from "./support/dockerfile.js";
import { REPO_ROOT } from "./support/manifests.js";

// The Dockerfiles as text: what a bad edit would break before any build. scripts/images/pods.ts builds both images
// with podman and runs them (their contents, `serve --help`, the pod scenarios).

type Raw = Record<string, any>;
const json = (path: string): Raw => JSON.parse(readFileSync(`${REPO_ROOT}${path}`, "utf8")) as Raw;
const node24 = pinnedNodeVersion(24);
const pnpmPin = String(json("package.json").packageManager).replace(/^pnpm@/, "");

const images = [
  { name: "consumer", dockerfile: "examples/sqs-consumer/Dockerfile" },
  { name: "roles-anywhere sidecar", dockerfile: "images/roles-anywhere/Dockerfile" },
] as const;

describe.each(images)("$name image ($dockerfile)", ({ dockerfile }) => {
  const instructions = dockerInstructions(dockerfile);
  const final = finalStage(instructions);
  const ignoreFile = `${dockerfile}.dockerignore`;
  const context = buildContext(ignoreFile);
  const sources = copySources(instructions);

  it("builds on the Node 24 that scripts/node-matrix.sh pins, with the pnpm of packageManager and the frozen lockfile", () => {
    expect(node24).toBeDefined();
    expect(instructions[0]).toBe(`ARG NODE_IMAGE=node:${node24}-bookworm-slim`);
    expect(instructions).toContain(`RUN npm install --global pnpm@${pnpmPin}`);
    expect(instructions.filter((line) => line.includes("pnpm install")).every((line) => line.includes("--frozen-lockfile"))).toBe(true);
  });

  it("ends in a stage FROM scratch holding the runtime root filesystem (no shell, no package manager), run as 65534 under tini", () => {
    expect(final[0]).toBe("FROM scratch");
    expect(final).toContain("COPY --from=runtime /rootfs/ /");
    expect(instructions).toContain("RUN sh /tmp/runtime-rootfs.sh /rootfs");
    expect(final.filter((line) => line.startsWith("USER ")).at(-1)).toBe("USER 65534:65534");
    expect(final.find((line) => line.startsWith("ENTRYPOINT "))).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"/);
    expect(final.filter((line) => line.startsWith("RUN "))).toEqual([]);
  });

  it("copies only paths that exist and that its ignore file keeps in the context", () => {
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(`${REPO_ROOT}${source}`), source).toBe(true);
      expect(context.some((path) => path === source || path.startsWith(`${source}/`)), source).toBe(true);
    }
  });

  it("sends nothing it does not copy, and never dependencies, builds, keys or tests", () => {
    const outside = context.filter((path) => !sources.some((source) => path === source || path.startsWith(`${source}/`)));
    expect(outside).toEqual([]);
    const rules = ignoreRules(ignoreFile);
    for (const path of ["node_modules/x/index.js", "packages/refresh/node_modules/x/index.js", "packages/refresh/dist/index.mjs", "examples/sqs-consumer/dist/main.mjs", "tls.key", "packages/roles-anywhere/test/ca.pem", ".git/HEAD"]) {
      expect(isIgnored(path, rules), path).toBe(true);
    }
    expect(context.filter((path) => path.endsWith(".test.ts"))).toEqual([]);
  });

  it("copies the files the workspace build needs, and keeps them in the context", () => {
    const needed = ["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", "tsdown.base.ts", "packages/refresh/src/index.ts", "packages/cli/src/roles-anywhere/main.ts", "packages/cli/tsdown.config.ts", "images/runtime-rootfs.sh"];
    for (const path of needed) {
      expect(sources.some((source) => path === source || path.startsWith(`${source}/`)), `COPY ${path}`).toBe(true);
      expect(context, path).toContain(path);
    }
  });
});

describe("examples/sqs-consumer/Dockerfile", () => {
  const instructions = dockerInstructions("examples/sqs-consumer/Dockerfile");
  const last = (keyword: string) => instructions.filter((line) => line.startsWith(`${keyword} `)).at(-1);

  it("runs the example's build output, which tsdown writes as dist/main.mjs", () => {
    expect(last("CMD")).toBe('CMD ["node", "dist/main.mjs"]');
    const pkg = json("examples/sqs-consumer/package.json");
    expect(pkg.scripts.start).toBe("node dist/main.mjs");
    expect(pkg.scripts.build).toBe("tsdown");
    expect(pkg.files).toEqual(expect.arrayContaining(["dist", "build-info.json"]));
    const tsdown = readFileSync(`${REPO_ROOT}examples/sqs-consumer/tsdown.config.ts`, "utf8");
    expect(tsdown).toMatch(/entry: \["src\/main\.ts"\]/);
    expect(tsdown).toMatch(/format: \["esm"\]/);
    expect(tsdown).toMatch(/fixedExtension: true/);
    expect(buildContext("examples/sqs-consumer/Dockerfile.dockerignore")).toContain("examples/sqs-consumer/src/main.ts");
  });

  it("exposes the default probe port", () => {
    const { probePort } = loadConfig({ QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/1/q", AWS_REGION: "eu-west-1" });
    expect(last("EXPOSE")).toBe(`EXPOSE ${probePort}`);
  });
});

describe("images/roles-anywhere/Dockerfile", () => {
  const instructions = dockerInstructions("images/roles-anywhere/Dockerfile");
  const last = (keyword: string) => instructions.filter((line) => line.startsWith(`${keyword} `)).at(-1);

  it("deploys the roles-anywhere package to /app and makes its bin the entrypoint, so a pod gives args only", () => {
    expect(instructions.some((line) => line.includes("pnpm --filter @workload-identity/cli deploy --prod --legacy /app"))).toBe(true);
    const bin = String(json("packages/cli/package.json").bin["roles-anywhere"]).replace(/^\.\//, "");
    expect(last("ENTRYPOINT")).toBe(`ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/${bin}"]`);
    expect(last("CMD")).toBe('CMD ["--help"]');
  });
});

describe("images/runtime-rootfs.sh", () => {
  const script = readFileSync(`${REPO_ROOT}images/runtime-rootfs.sh`, "utf8");

  it("puts Node, tini (static) and test in the image, with the libraries they load, and no shell", () => {
    expect(script).toContain('cp /usr/local/bin/node "$dir/usr/local/bin/node"');
    expect(script).toContain('cp /usr/bin/tini-static "$dir/usr/bin/tini"');
    expect(script).toContain('cp /usr/bin/test "$dir/usr/bin/test"');
    expect(script).toMatch(/ldd \/usr\/local\/bin\/node; ldd \/usr\/bin\/test/);
    expect(script).not.toMatch(/"\$dir\/(usr\/)?bin\/(ba|da)?sh"/);
    expect(script).toMatch(/nobody:x:65534:65534:/);
  });
});

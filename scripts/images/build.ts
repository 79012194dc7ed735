// `pnpm images`: builds the project's two images with podman, as a release would build them with docker, from the
// local base image (scripts/images/base-image.sh), `--pull=never`: the consumer (examples/sqs-consumer/Dockerfile) and
// the roles-anywhere sidecar (images/roles-anywhere/Dockerfile). Layers are cached in podman's storage: a second
// run rebuilds only what changed. Prints how long each step took.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { podman, REPO_ROOT, spawnPodman } from "./podman.js";

/** An image this project builds. */
export interface ImageSpec {
  /** The local name the pod scenarios run. */
  readonly tag: string;
  /** Relative to the repository root, which is the build context; the ignore file is `<dockerfile>.dockerignore`. */
  readonly dockerfile: string;
  /** The stages kept tagged as a build cache (`podman image prune` would drop untagged stages that nothing uses). */
  readonly cachedStages: readonly string[];
}

export const IMAGES = {
  consumer: {
    tag: "localhost/workload-identity/orders-consumer:dev",
    dockerfile: "examples/sqs-consumer/Dockerfile",
    cachedStages: ["build", "runtime"],
  },
  sidecar: {
    tag: "localhost/workload-identity/roles-anywhere:dev",
    dockerfile: "images/roles-anywhere/Dockerfile",
    cachedStages: ["build", "runtime"],
  },
} as const satisfies Record<string, ImageSpec>;

const run = promisify(execFile);

/**
 * The Node release of `major` that scripts/node-matrix.sh pins (its NODE_VERSIONS): the images are built on the
 * same 24.x that CI tests on, and base-image.sh takes its binary from there.
 */
export function pinnedNodeVersion(major: number): string {
  const list = /NODE_VERSIONS=\(([^)]*)\)/.exec(readFileSync(join(REPO_ROOT, "scripts/node-matrix.sh"), "utf8"))?.[1] ?? "";
  const version = list.split(/\s+/).find((v) => v.startsWith(`${major}.`));
  if (version === undefined) throw new Error(`scripts/node-matrix.sh pins no Node ${major}`);
  return version;
}

/** Makes (or finds) the local base image; resolves with its name. */
export async function baseImage(): Promise<string> {
  const { stdout } = await run("bash", ["scripts/images/base-image.sh"], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim().split("\n").at(-1) ?? "";
}

/** One `podman build` of the repository root as context, output shown as it comes. */
async function podmanBuild(image: ImageSpec, base: string, tag: string, extra: readonly string[]): Promise<void> {
  const args = [
    "build",
    "--pull=never",
    "--network=host",
    "--layers",
    `--build-arg=NODE_IMAGE=${base}`,
    `--file=${image.dockerfile}`,
    `--ignorefile=${image.dockerfile}.dockerignore`,
    `--tag=${tag}`,
    ...extra,
    ".",
  ];
  const child = spawnPodman(args, "inherit");
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`podman build of ${image.dockerfile} (${tag}) exited ${String(code)}`);
}

async function gitCommit(): Promise<string> {
  try {
    return (await run("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT })).stdout.trim();
  } catch {
    return "unknown";
  }
}

/** Builds both images; resolves with the seconds each step took. */
export async function buildImages(log: (line: string) => void = console.log): Promise<Record<string, number>> {
  const seconds: Record<string, number> = {};
  const timed = async <T>(label: string, step: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await step();
    seconds[label] = (Date.now() - started) / 1000;
    log(`images: ${label} took ${seconds[label].toFixed(1)} s`);
    return result;
  };
  const base = await timed("base image", baseImage);
  log(`images: base ${base}`);
  const buildArgs = [`--build-arg=GIT_COMMIT=${await gitCommit()}`, `--build-arg=BUILD_TIME=${new Date().toISOString().slice(0, 19)}Z`];
  for (const [name, image] of Object.entries(IMAGES)) {
    await timed(`${name} image`, async () => {
      for (const stage of image.cachedStages) {
        await podmanBuild(image, base, `${image.tag.replace(/:[^:]+$/, "")}:stage-${stage}`, [`--target=${stage}`, ...buildArgs]);
      }
      await podmanBuild(image, base, image.tag, buildArgs);
    });
  }
  // The previous builds' layers that no tagged image uses any more (vfs keeps a full copy of each layer).
  await timed("prune", () => podman(["image", "prune", "--force"], { timeoutMs: 600_000 }));
  return seconds;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  await buildImages();
  console.log(`images: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

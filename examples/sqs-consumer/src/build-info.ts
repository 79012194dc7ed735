import { readFile } from "node:fs/promises";

/** What the startup line reports about the running build. */
export interface BuildInfo {
  readonly name: string;
  readonly version: string;
  /** `GIT_COMMIT`, else the build-info file's `gitCommit`, else "unknown". */
  readonly gitCommit: string;
  /** `BUILD_TIME`, else the build-info file's `buildTime`, else "unknown". */
  readonly buildTime: string;
  readonly node: string;
  /** `platform/arch`, e.g. `linux/x64`. */
  readonly platform: string;
}

const PACKAGE_JSON = new URL("../package.json", import.meta.url);
/** Written by the Dockerfile's build stage; see the `BUILD_INFO_FILE` variable. */
const DEFAULT_BUILD_INFO_FILE = new URL("../build-info.json", import.meta.url);

/**
 * Collects the build's identity for the startup log line and `/metrics`.
 *
 * @param env - `GIT_COMMIT`, `BUILD_TIME` and `BUILD_INFO_FILE` (a JSON file `{ "gitCommit", "buildTime" }`)
 */
export async function readBuildInfo(env: Readonly<Record<string, string | undefined>>): Promise<BuildInfo> {
  const pkg = (await readJson(PACKAGE_JSON)) ?? {};
  const file = (await readJson(env.BUILD_INFO_FILE ?? DEFAULT_BUILD_INFO_FILE)) ?? {};
  const pick = (fromEnv: string | undefined, fromFile: unknown): string =>
    fromEnv !== undefined && fromEnv !== "" ? fromEnv : typeof fromFile === "string" ? fromFile : "unknown";
  return {
    name: typeof pkg.name === "string" ? pkg.name : "sqs-consumer",
    version: typeof pkg.version === "string" ? pkg.version : "unknown",
    gitCommit: pick(env.GIT_COMMIT, file.gitCommit),
    buildTime: pick(env.BUILD_TIME, file.buildTime),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
  };
}

async function readJson(path: string | URL): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(path, "utf8"));
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

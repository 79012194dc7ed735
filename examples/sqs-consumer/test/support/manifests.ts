import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadManifests, type ManifestObject } from "../../../../scripts/images/pod.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const EXAMPLE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DEPLOY = fileURLToPath(new URL("../../deploy/", import.meta.url));

/** A folder of `deploy/` meant to be applied whole (`kubectl apply -f deploy/FOLDER/`), with its objects. */
export interface ManifestFolder {
  /** Relative to `deploy/`, e.g. `roles-anywhere/sidecar`. */
  readonly folder: string;
  readonly objects: readonly ManifestObject[];
}

/** Every folder under `deploy/` that holds YAML files, found by walking it (so a new folder cannot go unchecked). */
export function manifestFolders(): ManifestFolder[] {
  const folders: ManifestFolder[] = [];
  const walk = (relative: string): void => {
    const entries = readdirSync(`${DEPLOY}${relative}`, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name.endsWith(".yaml"))) {
      folders.push({ folder: relative, objects: loadManifests(`${DEPLOY}${relative}`) });
    }
    for (const entry of entries) if (entry.isDirectory()) walk(relative === "" ? entry.name : `${relative}/${entry.name}`);
  };
  walk("");
  return folders;
}

/** The highest peak RSS (MiB) recorded in docs/pod-memory.json for each measured process, over every run. */
export function measuredPeaksMiB(): Record<string, number> {
  const { runs } = JSON.parse(readFileSync(`${REPO_ROOT}docs/pod-memory.json`, "utf8")) as {
    runs: { peakRssMiB: Record<string, number> }[];
  };
  const peaks: Record<string, number> = {};
  for (const run of runs) {
    for (const [label, value] of Object.entries(run.peakRssMiB)) peaks[label] = Math.max(peaks[label] ?? 0, value);
  }
  return peaks;
}

/**
 * Validates a Kubernetes object against its schema (kubernetes-models: types, required fields, enumerations; unknown
 * fields are not reported). Throws on an invalid object, or on a kind this example does not use.
 */
export async function validateObject(object: { apiVersion?: unknown; kind?: unknown }): Promise<void> {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  const models: Record<string, () => Promise<new (data: object) => { validate(): void }>> = {
    "apps/v1/Deployment": async () => (await import("kubernetes-models/apps/v1/Deployment")).Deployment,
    "v1/ServiceAccount": async () => (await import("kubernetes-models/v1/ServiceAccount")).ServiceAccount,
    "v1/ConfigMap": async () => (await import("kubernetes-models/v1/ConfigMap")).ConfigMap,
    "v1/Pod": async () => (await import("kubernetes-models/v1/Pod")).Pod,
  };
  const model = models[key];
  if (model === undefined) throw new Error(`no model for ${key}: add it to validateObject`);
  const Model = await model();
  new Model(object).validate();
}

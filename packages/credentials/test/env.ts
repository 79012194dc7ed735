import { join } from "node:path";
import { vi } from "vitest";

/** Clears every AWS_* variable and keeps the SDK chain away from this machine's config files and metadata service. */
export function isolateEnvironment(dir: string): void {
  const keep = { AWS_CONFIG_FILE: join(dir, "no-config"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"), AWS_EC2_METADATA_DISABLED: "true" };
  for (const name of Object.keys(process.env)) {
    if (name.startsWith("AWS_") && !(name in keep)) vi.stubEnv(name, undefined);
  }
  for (const [name, value] of Object.entries(keep)) vi.stubEnv(name, value);
}

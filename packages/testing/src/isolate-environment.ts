import { join } from "node:path";
import { vi } from "vitest";

/**
 * Makes this process look like a pod with no AWS configuration, for the test that is running: every `AWS_*` variable
 * from the developer's shell or CI is stubbed away, and the SDK's chain is kept from this machine's config files (it
 * reads `no-config` and `no-credentials` in `dir`, which do not exist) and from a metadata service. Then `env` is set:
 * the pod's variables, a world's `env`. `vi.unstubAllEnvs()` undoes it all.
 */
export function isolateEnvironment(dir: string, env: Readonly<Record<string, string>> = {}): void {
  const keep: Readonly<Record<string, string>> = {
    AWS_CONFIG_FILE: join(dir, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
  };
  for (const name of Object.keys(process.env)) {
    if (name.startsWith("AWS_") && !(name in keep)) vi.stubEnv(name, undefined);
  }
  for (const [name, value] of Object.entries({ ...keep, ...env })) vi.stubEnv(name, value);
}

import { partition } from "@aws-sdk/util-endpoints";
import {
  ENV_GLOBAL_ENDPOINT_URL,
  ENV_IGNORE_CONFIGURED_ENDPOINT_URLS,
  ENV_RA_ENDPOINT,
  ENV_USE_DUALSTACK_ENDPOINT,
  ENV_USE_FIPS_ENDPOINT,
  type Environment,
  readEnv,
} from "@workload-identity/core";
import { RolesAnywhereOptionError } from "./errors.js";

/** What the endpoint rules need to know about a region's partition (the SDK's `partitions.json` outputs). */
export interface PartitionFacts {
  /** `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, … */
  readonly name: string;
  /** The suffix of regional endpoints: `amazonaws.com`, `amazonaws.com.cn`, `c2s.ic.gov`, … */
  readonly dnsSuffix: string;
  /** The suffix of dual-stack endpoints: `api.aws`, `api.amazonwebservices.com.cn`, … */
  readonly dualStackDnsSuffix: string;
  /** Whether the partition has FIPS endpoints (`SERVICE-fips.REGION.…`). */
  readonly supportsFIPS: boolean;
  /** Whether the partition has dual-stack (IPv4 and IPv6) endpoints. */
  readonly supportsDualStack: boolean;
}

/** The settings that choose the CreateSession endpoint. */
export interface RolesAnywhereEndpointSettings {
  /** The region of the endpoint and of the signature scope. */
  readonly region: string;
  /** An explicit endpoint, `https://host[:port][/path]`; beats every variable. */
  readonly endpoint?: string | undefined;
  /** Use the FIPS endpoint; beats `AWS_USE_FIPS_ENDPOINT`. */
  readonly useFipsEndpoint?: boolean | undefined;
  /** Use the dual-stack endpoint; beats `AWS_USE_DUALSTACK_ENDPOINT`. */
  readonly useDualstackEndpoint?: boolean | undefined;
}

/** The endpoint CreateSession goes to, and what chose it. */
export interface ResolvedRolesAnywhereEndpoint {
  /** The base URL, e.g. `https://rolesanywhere-fips.us-east-1.amazonaws.com`. */
  readonly url: string;
  /** `endpoint` (the option), the variable that set it, or `partition` (built from the region's partition). */
  readonly source: "endpoint" | typeof ENV_RA_ENDPOINT | typeof ENV_GLOBAL_ENDPOINT_URL | "partition";
  /** The partition of `region`. */
  readonly partition: string;
  /** Whether the FIPS variant was asked for (by option or variable); an explicit endpoint is used as given. */
  readonly fips: boolean;
  /** Whether the dual-stack variant was asked for (by option or variable); an explicit endpoint is used as given. */
  readonly dualStack: boolean;
}

/** The partition facts of a region, from the AWS SDK's own partition table (unknown regions fall back as the SDK's do). */
export function partitionOf(region: string): PartitionFacts {
  const { name, dnsSuffix, dualStackDnsSuffix, supportsFIPS, supportsDualStack } = partition(region);
  return { name, dnsSuffix, dualStackDnsSuffix, supportsFIPS, supportsDualStack };
}

/**
 * Resolves the Roles Anywhere endpoint as the AWS SDKs do, reading the variables now: `endpoint`, else
 * `AWS_ENDPOINT_URL_ROLESANYWHERE`, else `AWS_ENDPOINT_URL` (both ignored when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is
 * `true`), else `rolesanywhere[-fips].REGION.<suffix>` with the partition's DNS suffix, or its dual-stack suffix.
 * @throws RolesAnywhereOptionError `ROLES_ANYWHERE_INVALID_OPTION` for a malformed URL or flag variable,
 *   `ROLES_ANYWHERE_ENDPOINT_UNSUPPORTED` when the partition has no FIPS or no dual-stack endpoint
 */
export function resolveRolesAnywhereEndpoint(
  settings: RolesAnywhereEndpointSettings,
  env: Environment = process.env,
  lookup: (region: string) => PartitionFacts = partitionOf,
): ResolvedRolesAnywhereEndpoint {
  const facts = lookup(settings.region);
  const fips = settings.useFipsEndpoint ?? readFlag(ENV_USE_FIPS_ENDPOINT, env) ?? false;
  const dualStack = settings.useDualstackEndpoint ?? readFlag(ENV_USE_DUALSTACK_ENDPOINT, env) ?? false;
  const common = { partition: facts.name, fips, dualStack };
  if (settings.endpoint !== undefined) return { url: checkEndpoint(settings.endpoint, "endpoint"), source: "endpoint", ...common };
  // As in the SDKs: a variable left unset or blank does not count, and the service's own variable beats the global one.
  if (readFlag(ENV_IGNORE_CONFIGURED_ENDPOINT_URLS, env) !== true) {
    for (const name of [ENV_RA_ENDPOINT, ENV_GLOBAL_ENDPOINT_URL] as const) {
      const value = readEnv(name, env);
      if (value !== undefined) return { url: checkEndpoint(value, name), source: name, ...common };
    }
  }
  return { url: regionalEndpoint(settings.region, facts, { fips, dualStack }), source: "partition", ...common };
}

/**
 * `https://rolesanywhere[-fips].REGION.(dnsSuffix|dualStackDnsSuffix)`, as the service's endpoint rules build it.
 * @throws RolesAnywhereOptionError `ROLES_ANYWHERE_ENDPOINT_UNSUPPORTED` when the partition lacks the variant
 */
export function regionalEndpoint(region: string, facts: PartitionFacts, variant: { fips: boolean; dualStack: boolean }): string {
  const missing = [
    ...(variant.fips && !facts.supportsFIPS ? ["FIPS"] : []),
    ...(variant.dualStack && !facts.supportsDualStack ? ["dual-stack"] : []),
  ];
  if (missing.length > 0) {
    throw new RolesAnywhereOptionError(
      "ROLES_ANYWHERE_ENDPOINT_UNSUPPORTED",
      variant.fips && !facts.supportsFIPS ? "useFipsEndpoint" : "useDualstackEndpoint",
      `The ${facts.name} partition (region ${region}) has no ${missing.join(" or ")} endpoint for IAM Roles Anywhere: ` +
        `turn off useFipsEndpoint/${ENV_USE_FIPS_ENDPOINT} or useDualstackEndpoint/${ENV_USE_DUALSTACK_ENDPOINT}, ` +
        "or give the endpoint explicitly.",
    );
  }
  const service = variant.fips ? "rolesanywhere-fips" : "rolesanywhere";
  return `https://${service}.${region}.${variant.dualStack ? facts.dualStackDnsSuffix : facts.dnsSuffix}`;
}

/** An SDK boolean variable: exactly `true` or `false` (as the JS SDK's `booleanSelector` accepts), else an error. */
function readFlag(name: string, env: Environment): boolean | undefined {
  const value = readEnv(name, env);
  if (value === undefined) return undefined;
  if (value === "true" || value === "false") return value === "true";
  throw new RolesAnywhereOptionError(
    "ROLES_ANYWHERE_INVALID_OPTION",
    name,
    `${name} must be "true" or "false"; got ${JSON.stringify(value.slice(0, 40))}.`,
  );
}

/**
 * An endpoint must be an http(s) URL without query or fragment (a path is kept: CreateSession goes to `<path>/sessions`).
 * @throws RolesAnywhereOptionError `ROLES_ANYWHERE_INVALID_OPTION` naming `option`
 */
export function checkEndpoint(value: unknown, option: string): string {
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:") || url.search !== "" || url.hash !== "") {
    const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 200)) : String(value);
    throw new RolesAnywhereOptionError(
      "ROLES_ANYWHERE_INVALID_OPTION",
      option,
      `${option} must be an http(s) URL without query, like https://rolesanywhere.eu-west-1.amazonaws.com; got ${shown}.`,
    );
  }
  return value as string;
}

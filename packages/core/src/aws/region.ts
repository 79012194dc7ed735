import { ENV_DEFAULT_REGION, ENV_REGION } from "../env/names.js";
import { type Environment, readEnv } from "../env/read-env.js";

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Whether `value` looks like an AWS region name (`eu-west-1`, `us-gov-west-1`, `cn-north-1`). */
export function isRegion(value: string): boolean {
  return REGION.test(value);
}

/** A region as SDK configs hold it: a value, or a function that resolves one. */
export type RegionInput = string | (() => Promise<string>) | undefined;

/**
 * The region of an STS client a credential source builds: the one configured for it, else `AWS_REGION`, else
 * `AWS_DEFAULT_REGION`, else the region of the client the credentials are for (the SDK passes its config to the
 * provider). `undefined` when none of them has one: the caller reports it, never falling back to us-east-1 silently.
 */
export async function resolveStsRegion(
  configured: RegionInput,
  callerRegion: RegionInput,
  env: Environment = process.env,
): Promise<string | undefined> {
  const fromConfig = typeof configured === "function" ? await configured() : configured;
  if (fromConfig) return fromConfig;
  const fromEnv = readEnv(ENV_REGION, env) ?? readEnv(ENV_DEFAULT_REGION, env);
  if (fromEnv !== undefined) return fromEnv;
  const fromCaller = typeof callerRegion === "function" ? await callerRegion().catch(() => undefined) : callerRegion;
  return fromCaller || undefined;
}

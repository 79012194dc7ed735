import type { AwsCredentialIdentityProvider, Logger } from "@aws-sdk/types";
import type { Environment, ProxySetting } from "@workload-identity/core";
import type { Explanation } from "../explanation.js";
import type { SharedSourceState } from "./source-state.js";

/** What a source module found in the environment. */
export type Detection<Config> =
  | { readonly state: "unset" }
  /** Some of its variables are set and others missing or invalid: an error that names them, never a fall-through. */
  | { readonly state: "half"; readonly error: Error }
  | {
      readonly state: "complete";
      readonly config: Config;
      /** A human sentence: why this source. */
      readonly reason: string;
      /** The variables that decided it (names only). */
      readonly variables: readonly string[];
    };

/** What creating a source may use besides its configuration. */
export interface CreateDeps {
  readonly logger: Logger | undefined;
  /** Where the source records what `explain` and `whoami` report (the SDK chain's link). */
  readonly state: SharedSourceState;
  /** `fromEnvironmentAware`'s `proxy`, for the sources that call AWS; a source's own `proxy` option wins. */
  readonly proxy?: ProxySetting | undefined;
}

/** What describing a source for `explain` may use. */
export interface DescribeDeps {
  /** The environment the decision was made from. */
  readonly env: Environment;
  /** The clock for "expired" flags, in milliseconds since the epoch. */
  readonly now: () => number;
  /** Things worth a look, appended to the explanation's warnings. */
  readonly warnings: string[];
}

/** The parts of an explanation a source fills in. */
export type ExplanationSection = Pick<Explanation, "webIdentity" | "podIdentity" | "rolesAnywhere" | "sdkChain">;

/**
 * One credential source, described by data: how to find its configuration in the environment, how to make the
 * uncached provider (the caller applies the one cache), and what `explain` says about it. No I/O in `detect`.
 */
export interface SourceModule<Config> {
  detect(env: Environment): Detection<Config>;
  create(config: Config, deps: CreateDeps): AwsCredentialIdentityProvider;
  describe(config: Config, deps: DescribeDeps): Promise<ExplanationSection>;
}

/** A source module with its configuration: what the selection hands to composition and to `explain`. */
export interface BoundSource {
  create(deps: CreateDeps): AwsCredentialIdentityProvider;
  describe(deps: DescribeDeps): Promise<ExplanationSection>;
}

/** Binds a module to one configuration. */
export function bind<Config>(module: SourceModule<Config>, config: Config): BoundSource {
  return {
    create: (deps) => module.create(config, deps),
    describe: (deps) => module.describe(config, deps),
  };
}

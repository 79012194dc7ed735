import { InvalidOptionError, proxySettingProblem } from "@workload-identity/core";
import { validateRefreshOptions } from "@workload-identity/refresh";
import { validateAssumeRoleOptions } from "./chain/assume-role-options.js";
import type { FromEnvironmentAwareInit } from "./environment-aware-init.js";
import { validatePodIdentityOptions } from "./sources/pod-identity.js";

/** Checks the options of `fromEnvironmentAware` synchronously; throws a `TypeError` naming the option and its rule. */
export function validateEnvironmentAwareInit(init: FromEnvironmentAwareInit): void {
  if (init === null || typeof init !== "object") throw new InvalidOptionError("fromEnvironmentAware: init must be an object.");
  if (init.webIdentity !== undefined && init.rolesAnywhere !== undefined) {
    throw new InvalidOptionError("fromEnvironmentAware: give webIdentity or rolesAnywhere, not both.");
  }
  for (const name of ["webIdentity", "rolesAnywhere", "podIdentity", "refresh", "assumeRole"] as const) {
    const value = init[name];
    if (value !== undefined && (value === null || typeof value !== "object")) {
      throw new InvalidOptionError(`fromEnvironmentAware: ${name} must be an object.`);
    }
  }
  if (init.fallback !== undefined && init.fallback !== false && (init.fallback === null || typeof init.fallback !== "object")) {
    throw new InvalidOptionError("fromEnvironmentAware: fallback must be false or an object of SDK chain options.");
  }
  if (init.fallback) {
    const { timeoutMs, maxRetries } = init.fallback;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new InvalidOptionError(`fromEnvironmentAware: fallback.timeoutMs must be a positive number of milliseconds; got ${String(timeoutMs)}.`);
    }
    if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0)) {
      throw new InvalidOptionError(`fromEnvironmentAware: fallback.maxRetries must be a whole number, 0 or more; got ${String(maxRetries)}.`);
    }
  }
  const { logger } = init;
  if (logger !== undefined) {
    for (const level of ["debug", "info", "warn", "error"] as const) {
      if (typeof logger[level] !== "function") {
        throw new InvalidOptionError(`fromEnvironmentAware: logger.${level} must be a function (the SDK's Logger shape).`);
      }
    }
  }
  const proxyProblem = init.proxy === undefined ? undefined : proxySettingProblem(init.proxy, "fromEnvironmentAware: proxy");
  if (proxyProblem !== undefined) throw new InvalidOptionError(proxyProblem);
  validatePodIdentityOptions(init.podIdentity);
  if (init.assumeRole !== undefined) validateAssumeRoleOptions(init.assumeRole);
  validateRefreshOptions(init.refresh);
}

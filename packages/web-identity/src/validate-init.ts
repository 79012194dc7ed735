import {
  InvalidOptionError,
  isSessionDuration,
  MAX_SESSION_DURATION_SECONDS,
  MIN_SESSION_DURATION_SECONDS,
  parseRoleArn,
  proxySettingProblem,
  ROLE_ARN_EXAMPLE,
  SESSION_NAME_RULE,
} from "@workload-identity/core";
import { SESSION_NAME_PATTERN } from "./session-name.js";
import type { TokenFileSourceInit } from "./token-file-options.js";

/** Checks the options synchronously; throws a `TypeError` naming the option and its rule. */
export function validateTokenFileInit(init: TokenFileSourceInit): void {
  if (init === null || typeof init !== "object") throw new InvalidOptionError("fromTokenFile: init must be an object.");
  for (const name of ["webIdentityTokenFile", "roleArn", "roleSessionName", "policy"] as const) {
    const value = init[name];
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new InvalidOptionError(`fromTokenFile: ${name} must be a non-empty string.`);
    }
  }
  if (init.roleArn !== undefined && parseRoleArn(init.roleArn) === undefined) {
    throw new InvalidOptionError(`fromTokenFile: roleArn must look like ${ROLE_ARN_EXAMPLE}; got ${JSON.stringify(init.roleArn.slice(0, 200))}.`);
  }
  if (init.roleSessionName !== undefined && !SESSION_NAME_PATTERN.test(init.roleSessionName)) {
    throw new InvalidOptionError(`fromTokenFile: roleSessionName must be ${SESSION_NAME_RULE}.`);
  }
  const duration = init.durationSeconds;
  if (duration !== undefined && !isSessionDuration(duration)) {
    throw new InvalidOptionError(
      `fromTokenFile: durationSeconds must be an integer from ${MIN_SESSION_DURATION_SECONDS} to ${MAX_SESSION_DURATION_SECONDS}; got ${String(duration)}.`,
    );
  }
  if (init.policyArns !== undefined && (!Array.isArray(init.policyArns) || init.policyArns.some((p) => typeof p?.arn !== "string"))) {
    throw new InvalidOptionError("fromTokenFile: policyArns must be an array of { arn: string }.");
  }
  const retry = init.stsRetry ?? {};
  for (const name of ["maxAttempts", "invalidIdentityTokenMaxAttempts"] as const) {
    const value = retry[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new InvalidOptionError(`fromTokenFile: stsRetry.${name} must be an integer of 1 or more.`);
    }
  }
  for (const name of ["baseDelayMs", "maxDelayMs"] as const) {
    const value = retry[name];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new InvalidOptionError(`fromTokenFile: stsRetry.${name} must be a finite number of milliseconds, 0 or more.`);
    }
  }
  for (const name of ["connectTimeoutMs", "timeoutMs"] as const) {
    const value = init.stsTimeouts?.[name];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new InvalidOptionError(`fromTokenFile: stsTimeouts.${name} must be a positive number of milliseconds.`);
    }
  }
  const proxyProblem = init.proxy === undefined ? undefined : proxySettingProblem(init.proxy, "fromTokenFile: proxy");
  if (proxyProblem !== undefined) throw new InvalidOptionError(proxyProblem);
  for (const name of ["now", "random", "sleep", "readFile"] as const) {
    if (init[name] !== undefined && typeof init[name] !== "function") throw new InvalidOptionError(`fromTokenFile: ${name} must be a function.`);
  }
}

import type { Explanation } from "./explain.js";

/**
 * Renders an {@link Explanation} for people: one fact per line, warnings and the error last.
 *
 * @param explanation - the result of `explain()`
 * @returns text ending with a newline
 */
export function formatExplanation(explanation: Explanation): string {
  const lines: string[] = [`source: ${explanation.source}`, `reason: ${explanation.reason}`];
  if (explanation.variables.length > 0) {
    lines.push("variables:");
    for (const { name, value } of explanation.variables) lines.push(`  ${name}=${value}`);
  }
  if (explanation.ignored.length > 0) lines.push(`also configured, ignored: ${explanation.ignored.join(", ")}`);
  const { webIdentity, podIdentity, rolesAnywhere, sdkChain, credentials } = explanation;
  if (webIdentity !== undefined) {
    lines.push("web identity:");
    if (webIdentity.tokenFile !== undefined) lines.push(`  token file: ${webIdentity.tokenFile}`);
    if (webIdentity.roleArn !== undefined) lines.push(`  role: ${webIdentity.roleArn}`);
    if (webIdentity.roleSessionName !== undefined) lines.push(`  session name: ${webIdentity.roleSessionName}`);
    const { token } = webIdentity;
    if (token !== undefined) {
      lines.push(`  token iss: ${token.issuer ?? "(none)"}`);
      lines.push(`  token sub: ${token.subject ?? "(none)"}`);
      lines.push(`  token aud: ${token.audience.length === 0 ? "(none)" : token.audience.join(", ")}`);
      lines.push(`  token exp: ${token.expiresAt ?? "(none)"}${token.expired === true ? " (EXPIRED)" : ""}`);
    }
    if (webIdentity.tokenError !== undefined) lines.push(`  token: ${webIdentity.tokenError}`);
  }
  if (podIdentity !== undefined) {
    lines.push("EKS Pod Identity:");
    lines.push(`  endpoint: ${podIdentity.endpoint}`);
    lines.push(
      `  token file: ${podIdentity.authorizationTokenFile}${podIdentity.tokenFileReadable ? "" : " (NOT READABLE)"}`,
    );
  }
  if (rolesAnywhere !== undefined) {
    lines.push("IAM Roles Anywhere:");
    lines.push(`  certificate: ${rolesAnywhere.certificate}`);
    lines.push(`  trust anchor: ${rolesAnywhere.trustAnchorArn}`);
    lines.push(`  profile: ${rolesAnywhere.profileArn}`);
    lines.push(`  role: ${rolesAnywhere.roleArn}`);
    if (rolesAnywhere.sessionDurationSeconds !== undefined) {
      lines.push(`  session duration: ${rolesAnywhere.sessionDurationSeconds} s`);
    }
    const summary = rolesAnywhere.certificateSummary;
    if (summary !== undefined) {
      lines.push(`  subject: ${summary.subject}`);
      lines.push(`  issuer: ${summary.issuer}`);
      lines.push(`  serial: ${summary.serialNumber}`);
      lines.push(`  valid: ${summary.validFrom} to ${summary.validTo}${summary.expired ? " (EXPIRED)" : ""}`);
      if (summary.keyMatches !== undefined) lines.push(`  key matches: ${summary.keyMatches ? "yes" : "NO"}`);
    }
    if (rolesAnywhere.certificateError !== undefined) lines.push(`  certificate: ${rolesAnywhere.certificateError}`);
  }
  if (sdkChain !== undefined) {
    lines.push("SDK chain:");
    if (sdkChain.profile !== undefined) lines.push(`  profile: ${sdkChain.profile}`);
    lines.push(`  answered by: ${sdkChain.link ?? "(not resolved)"}`);
  }
  if (explanation.assumeRole !== undefined) lines.push(...chainLines(explanation.assumeRole));
  if (credentials !== undefined) lines.push(`credentials: resolved, ${expiryText(credentials.expiration)}`);
  for (const warning of explanation.warnings) lines.push(`warning: ${warning}`);
  if (explanation.error !== undefined) lines.push(`error: ${explanation.error.code}: ${explanation.error.message}`);
  return `${lines.join("\n")}\n`;
}

function expiryText(expiration: string | null): string {
  return expiration === null ? "do not expire" : `expire ${expiration}`;
}

/** The two links of a role chain, the base first. */
function chainLines(assumeRole: NonNullable<Explanation["assumeRole"]>): string[] {
  const baseExpiry = assumeRole.baseCredentials === undefined ? "" : `, credentials ${expiryText(assumeRole.baseCredentials.expiration)}`;
  const extras = [
    `${assumeRole.durationSeconds} s`,
    ...(assumeRole.externalId === undefined ? [] : [`external id ${assumeRole.externalId}`]),
    ...(assumeRole.sessionPolicy ? ["session policy"] : []),
  ];
  return [
    "role chaining:",
    `  1. ${assumeRole.base}${assumeRole.baseRoleArn === undefined ? "" : `: ${assumeRole.baseRoleArn}`}${baseExpiry}`,
    `  2. AssumeRole: ${assumeRole.roleArn} as ${assumeRole.roleSessionName} (${extras.join(", ")})`,
  ];
}

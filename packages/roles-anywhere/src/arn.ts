import { isRegion, type ParsedArn, parseArn, parseRoleArn as parseRoleArnValue, ROLE_ARN_EXAMPLE } from "@workload-identity/core";
import { RolesAnywhereOptionError } from "./errors.js";

export { isRegion, type ParsedArn } from "@workload-identity/core";

const ID = /^[A-Za-z0-9-]{1,64}$/;

/** Parses a trust anchor ARN, `arn:aws:rolesanywhere:REGION:ACCOUNT:trust-anchor/ID`. */
export function parseTrustAnchorArn(value: unknown, option = "trustAnchorArn"): ParsedArn {
  return parseRolesAnywhereArn(value, option, "trust-anchor");
}

/** Parses a profile ARN, `arn:aws:rolesanywhere:REGION:ACCOUNT:profile/ID`. */
export function parseProfileArn(value: unknown, option = "profileArn"): ParsedArn {
  return parseRolesAnywhereArn(value, option, "profile");
}

/** Parses an IAM role ARN, `arn:aws:iam::ACCOUNT:role/PATH/NAME`. */
export function parseRoleArn(value: unknown, option = "roleArn"): ParsedArn {
  parse(value, option, ROLE_ARN_EXAMPLE);
  const arn = parseRoleArnValue(value as string);
  // Roles Anywhere is AWS's own: its roles always belong to an account.
  if (arn === undefined || arn.accountId === "") throw invalid(option, value as string, ROLE_ARN_EXAMPLE);
  return arn;
}

function parseRolesAnywhereArn(value: unknown, option: string, kind: "trust-anchor" | "profile"): ParsedArn {
  const example = `arn:aws:rolesanywhere:eu-west-1:123456789012:${kind}/ID`;
  const arn = parse(value, option, example);
  const [type, id, ...rest] = arn.resource.split("/");
  if (
    arn.service !== "rolesanywhere" ||
    !isRegion(arn.region) ||
    arn.accountId === "" ||
    type !== kind ||
    id === undefined ||
    !ID.test(id) ||
    rest.length > 0
  ) {
    throw invalid(option, value as string, example);
  }
  return arn;
}

function parse(value: unknown, option: string, example: string): ParsedArn {
  if (typeof value !== "string" || value === "") {
    throw new RolesAnywhereOptionError(
      "ROLES_ANYWHERE_INVALID_ARN",
      option,
      `${option} is required: the ARN, like ${example}.`,
    );
  }
  const arn = parseArn(value);
  if (arn === undefined) throw invalid(option, value, example);
  return arn;
}

function invalid(option: string, value: string, example: string): RolesAnywhereOptionError {
  // ARNs are identifiers, not secrets, so the value is quoted (JSON-escaped, so a control character shows as such)
  // to show what is wrong; the redaction rule still removes anything shaped like a secret.
  return new RolesAnywhereOptionError(
    "ROLES_ANYWHERE_INVALID_ARN",
    option,
    `${option} ${JSON.stringify(value.slice(0, 200))} is not a valid ARN: expected one like ${example}.`,
  );
}

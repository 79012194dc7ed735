import { RolesAnywhereOptionError } from "./errors.js";

/** The parts of an ARN this package reads. */
export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  readonly resource: string;
}

const ARN = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ID = /^[A-Za-z0-9-]{1,64}$/;
const ROLE_PATH_AND_NAME = /^(\/[\u0021-\u007e]*\/|\/)?[\w+=,.@-]{1,64}$/;

/** Whether `value` looks like an AWS region name (`eu-west-1`, `us-gov-west-1`). */
export function isRegion(value: string): boolean {
  return REGION.test(value);
}

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
  const arn = parse(value, option, "arn:aws:iam::123456789012:role/NAME");
  const name = arn.resource.slice("role/".length - 1);
  if (arn.service !== "iam" || arn.region !== "" || arn.accountId === "" || !arn.resource.startsWith("role/") || !ROLE_PATH_AND_NAME.test(name)) {
    throw invalid(option, value as string, "arn:aws:iam::123456789012:role/NAME");
  }
  return arn;
}

function parseRolesAnywhereArn(value: unknown, option: string, kind: "trust-anchor" | "profile"): ParsedArn {
  const example = `arn:aws:rolesanywhere:eu-west-1:123456789012:${kind}/ID`;
  const arn = parse(value, option, example);
  const [type, id, ...rest] = arn.resource.split("/");
  if (
    arn.service !== "rolesanywhere" ||
    !REGION.test(arn.region) ||
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
  const match = ARN.exec(value);
  if (match === null) throw invalid(option, value, example);
  const [, partition = "", service = "", region = "", accountId = "", resource = ""] = match;
  return { partition, service, region, accountId, resource };
}

function invalid(option: string, value: string, example: string): RolesAnywhereOptionError {
  // ARNs are identifiers, not secrets, so the value is quoted to show what is wrong.
  return new RolesAnywhereOptionError(
    "ROLES_ANYWHERE_INVALID_ARN",
    option,
    `${option} ${JSON.stringify(value.slice(0, 200))} is not a valid ARN: expected one like ${example}.`,
  );
}

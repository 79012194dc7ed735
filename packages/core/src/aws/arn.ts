// The shape of ARNs, one rule for every package and every place a value comes from (option, flag or variable).

/** The parts of an ARN. */
export interface ParsedArn {
  /** `aws`, `aws-cn`, `aws-us-gov`, … */
  readonly partition: string;
  /** `iam`, `rolesanywhere`, … */
  readonly service: string;
  /** Empty for global services such as IAM. */
  readonly region: string;
  /** Twelve digits, or empty where the service has no accounts. */
  readonly accountId: string;
  /** What follows the account: `role/NAME`, `trust-anchor/ID`, … */
  readonly resource: string;
}

const ARN = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):([\u0021-\u007e]+)$/;
const ROLE_PATH_AND_NAME = /^(\/[\u0021-\u007e]*\/|\/)?[\w+=,.@-]{1,64}$/;

/** An example role ARN for messages. */
export const ROLE_ARN_EXAMPLE = "arn:aws:iam::123456789012:role/NAME";

/** Splits an ARN into its parts; `undefined` when the text is not an ARN (control characters and spaces never are). */
export function parseArn(value: string): ParsedArn | undefined {
  const match = ARN.exec(value);
  if (match === null) return undefined;
  const [, partition = "", service = "", region = "", accountId = "", resource = ""] = match;
  return { partition, service, region, accountId, resource };
}

/**
 * Parses an IAM role ARN, `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`; `undefined` when it is not one. The account
 * may be empty: STS-compatible servers without accounts (Ceph radosgw) name their roles so.
 */
export function parseRoleArn(value: string): ParsedArn | undefined {
  const arn = parseArn(value);
  if (arn === undefined || arn.service !== "iam" || arn.region !== "") return undefined;
  if (!arn.resource.startsWith("role/") || !ROLE_PATH_AND_NAME.test(arn.resource.slice("role".length))) return undefined;
  return arn;
}

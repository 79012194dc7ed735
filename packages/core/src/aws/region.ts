const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Whether `value` looks like an AWS region name (`eu-west-1`, `us-gov-west-1`, `cn-north-1`). */
export function isRegion(value: string): boolean {
  return REGION.test(value);
}

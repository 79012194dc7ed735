import type { EmulatorRequest } from "../harness/emulator-server.js";
import { durationInRange, SESSION_NAME } from "../harness/session-rules.js";
import { invalid } from "./service-error.js";
import type { RolesAnywhereCallRecord } from "./types.js";

/** CreateSession's input once checked. */
export interface SessionRequest {
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly roleArn: string;
  readonly durationSeconds: number | undefined;
  readonly roleSessionName: string | undefined;
}

/**
 * Reads CreateSession's input — the ARNs from the JSON body or, as AWS's signing helper sends them, the query —
 * records it, and checks it; throws ValidationException.
 */
export function validateSessionRequest(request: EmulatorRequest, record: RolesAnywhereCallRecord): SessionRequest {
  const input = parseBody(request.body);
  const [trustAnchorArn, profileArn, roleArn] = (["trustAnchorArn", "profileArn", "roleArn"] as const).map(
    (name) => input[name] ?? request.url.searchParams.get(name) ?? undefined,
  );
  const { durationSeconds, roleSessionName } = input;
  Object.assign(record, {
    trustAnchorArn: stringOrUndefined(trustAnchorArn),
    profileArn: stringOrUndefined(profileArn),
    roleArn: stringOrUndefined(roleArn),
    roleSessionName: stringOrUndefined(roleSessionName),
    durationSeconds: typeof durationSeconds === "number" ? durationSeconds : undefined,
  });
  if (typeof trustAnchorArn !== "string" || typeof profileArn !== "string" || typeof roleArn !== "string") {
    throw invalid("trustAnchorArn, profileArn and roleArn are required.");
  }
  if (durationSeconds !== undefined && (typeof durationSeconds !== "number" || !durationInRange(durationSeconds))) {
    throw invalid("1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200.");
  }
  if (roleSessionName !== undefined && (typeof roleSessionName !== "string" || !SESSION_NAME.test(roleSessionName))) {
    throw invalid("Value at 'roleSessionName' failed to satisfy constraint.");
  }
  return { trustAnchorArn, profileArn, roleArn, durationSeconds, roleSessionName };
}

function parseBody(body: Buffer): Record<string, unknown> {
  try {
    return JSON.parse(body.toString("utf8")) as Record<string, unknown>;
  } catch {
    throw invalid("The request body is not JSON.");
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

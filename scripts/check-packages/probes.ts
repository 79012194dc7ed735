// The programs run inside the temporary projects: import the packages as a user would, then resolve credentials once
// through an SQS client of the installed SDK version. They print one JSON line (a ProbeResult).

/** What a probe prints. */
export interface ProbeResult {
  readonly accessKeyId: string;
  /** How many names `@workload-identity/credentials` exports. */
  readonly exported: number;
  /** Public names that should be reachable from `@workload-identity/credentials` and are not. */
  readonly missing: string[];
}

// The names an app uses from the one package it installs: the selector, every source, the cache and the errors.
const EXPECTED = [
  "fromEnvironmentAware",
  "explain",
  "fromTokenFile",
  "fromRolesAnywhere",
  "withRefresh",
  "WorkloadIdentityError",
  "CredentialsExpiredError",
  "StsRequestError",
  "RolesAnywhereServiceError",
  "HalfConfiguredError",
];

const body = (load: string) => `${load}
const expected = ${JSON.stringify(EXPECTED)};
const missing = expected.filter((name) => typeof credentials[name] !== "function");
for (const name of ["@workload-identity/refresh", "@workload-identity/web-identity", "@workload-identity/roles-anywhere"]) {
  if (Object.keys(await load(name)).length === 0) missing.push(name);
}
const client = new sqs.SQSClient({ credentials: credentials.fromEnvironmentAware() });
const identity = await client.config.credentials();
if (!(credentials.withRefresh(async () => identity) instanceof Function)) missing.push("withRefresh()");
process.stdout.write(JSON.stringify({ accessKeyId: identity.accessKeyId, exported: Object.keys(credentials).length, missing }));
`;

/** Run as `probe.mjs`. */
export const ESM_PROBE = body(`const load = (name) => import(name);
const credentials = await import("@workload-identity/credentials");
const sqs = await import("@aws-sdk/client-sqs");`);

/** Run as `probe.cjs`: the same, with `require`, inside an async function. */
export const CJS_PROBE = `(async () => {
${body(`const load = async (name) => require(name);
const credentials = require("@workload-identity/credentials");
const sqs = require("@aws-sdk/client-sqs");`)}
})().catch((error) => { console.error(error); process.exit(1); });
`;

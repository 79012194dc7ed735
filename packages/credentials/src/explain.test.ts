import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isolateEnvironment } from "@workload-identity/testing/vitest";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type PodIdentityAgent, type SignedCallRecorder, startPodIdentityAgent, startSignedCallRecorder } from "../test/servers.js";
import { explain } from "./explain.js";
import { formatExplanation } from "./format-explanation.js";
import { clearSharedCredentialCache } from "./shared-cache.js";

// Every secret a configuration can hold. None may appear in an explanation, a log line or CLI output.
const SECRETS = {
  secretKey: "planted-secret-access-key-6b1f",
  sessionToken: "planted-session-token-0c7e",
  containerToken: "planted-container-token-93ad",
  podTokenFile: "planted-pod-identity-token-44e2",
  jwtSignature: "plantedJwtSignature7f3a",
  privateKey: "planted-private-key-body-2d8c",
  passphrase: "planted-passphrase-e51b",
  agentSecret: "planted-agent-secret-a9c0",
  // Short, as real PINs are: below the redaction registry's length.
  pkcs11Pin: "581204",
};

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const JWT = `${b64({ alg: "RS256", kid: "k" })}.${b64({
  iss: "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE",
  sub: "system:serviceaccount:shop:orders",
  aud: "sts.amazonaws.com",
  exp: Math.floor(Date.now() / 1000) + 3600,
  iat: Math.floor(Date.now() / 1000),
})}.${SECRETS.jwtSignature}`;
const INLINE_KEY = `-----BEGIN PRIVATE KEY-----\n${SECRETS.privateKey}\n-----END PRIVATE KEY-----\n`;

let dir: string;
let recorder: SignedCallRecorder;
let agent: PodIdentityAgent;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "credentials-explain-"));
  recorder = await startSignedCallRecorder();
  agent = await startPodIdentityAgent({ secretPrefix: SECRETS.agentSecret });
  await writeFile(join(dir, "token"), JWT);
  await writeFile(join(dir, "pod-token"), SECRETS.podTokenFile);
  await writeFile(join(dir, "passphrase"), `${SECRETS.passphrase}\n`);
});
afterAll(async () => {
  await agent.close();
  await recorder.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  clearSharedCredentialCache();
  isolateEnvironment(dir);
  // Secrets that stay in the environment whatever the source.
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", SECRETS.secretKey);
  vi.stubEnv("AWS_SESSION_TOKEN", SECRETS.sessionToken);
  vi.stubEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN", SECRETS.containerToken);
  vi.stubEnv("AWS_REGION", "us-east-1");
  vi.stubEnv("AWS_ENDPOINT_URL_STS", recorder.endpoint);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const rolesAnywhere = () => ({
  AWS_ROLES_ANYWHERE_CERTIFICATE: join(dir, "missing-cert.pem"),
  AWS_ROLES_ANYWHERE_PRIVATE_KEY: INLINE_KEY,
  AWS_ROLES_ANYWHERE_PRIVATE_KEY_PASSPHRASE_FILE: join(dir, "passphrase"),
  AWS_ROLES_ANYWHERE_TRUST_ANCHOR_ARN: "arn:aws:rolesanywhere:us-east-1:111122223333:trust-anchor/ta",
  AWS_ROLES_ANYWHERE_PROFILE_ARN: "arn:aws:rolesanywhere:us-east-1:111122223333:profile/p",
  AWS_ROLES_ANYWHERE_ROLE_ARN: "arn:aws:iam::111122223333:role/onprem",
  AWS_ENDPOINT_URL_ROLESANYWHERE: recorder.endpoint,
});

const cases: { name: string; env: () => Record<string, string>; source: string }[] = [
  { name: "SDK chain with static keys", env: () => ({ AWS_ACCESS_KEY_ID: "AKIASTATIC0000000001" }), source: "sdk-chain" },
  { name: "SDK chain finding nothing", env: () => ({}), source: "sdk-chain" },
  {
    name: "web identity",
    env: () => ({ AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, "token"), AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/orders" }),
    source: "web-identity",
  },
  {
    name: "Pod Identity",
    env: () => ({ AWS_CONTAINER_CREDENTIALS_FULL_URI: agent.uri, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: join(dir, "pod-token") }),
    source: "pod-identity",
  },
  { name: "Roles Anywhere with an inline key", env: rolesAnywhere, source: "roles-anywhere" },
  {
    name: "half configured web identity",
    env: () => ({ AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, "token"), AWS_ACCESS_KEY_ID: "AKIASTATIC0000000001" }),
    source: "web-identity",
  },
  {
    name: "a token pasted into AWS_WEB_IDENTITY_TOKEN_FILE",
    env: () => ({ AWS_WEB_IDENTITY_TOKEN_FILE: JWT, AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/orders" }),
    source: "web-identity",
  },
  {
    name: "a token pasted into AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    env: () => ({ AWS_CONTAINER_CREDENTIALS_FULL_URI: agent.uri, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: SECRETS.podTokenFile }),
    source: "pod-identity",
  },
  {
    name: "a one-line base64 key in AWS_ROLES_ANYWHERE_PRIVATE_KEY, a passphrase in the _FILE variable",
    env: () => ({
      ...rolesAnywhere(),
      AWS_ROLES_ANYWHERE_PRIVATE_KEY: `MIIEvQIBADANBgkqhkiG9w0BAQEFAASC${SECRETS.privateKey}`,
      AWS_ROLES_ANYWHERE_PRIVATE_KEY_PASSPHRASE_FILE: SECRETS.passphrase,
    }),
    source: "roles-anywhere",
  },
  {
    name: "a PKCS#11 key and certificate, each URI carrying the PIN",
    env: () => ({
      ...rolesAnywhere(),
      AWS_ROLES_ANYWHERE_PRIVATE_KEY: `pkcs11:token=T;object=k;type=private?pin-value=${SECRETS.pkcs11Pin}`,
      AWS_ROLES_ANYWHERE_CERTIFICATE: `pkcs11:token=T;object=k;type=cert?pin-value=${SECRETS.pkcs11Pin}`,
    }),
    source: "roles-anywhere",
  },
  {
    name: "half configured Roles Anywhere",
    env: () => ({ AWS_ROLES_ANYWHERE_PRIVATE_KEY: INLINE_KEY, AWS_ROLES_ANYWHERE_PRIVATE_KEY_PASSPHRASE_FILE: join(dir, "passphrase") }),
    source: "roles-anywhere",
  },
];

describe(explain.name, () => {
  it.each(cases)("$name: no planted secret in the JSON, the human form or the logs", async ({ env, source }) => {
    for (const [name, value] of Object.entries(env())) vi.stubEnv(name, value);
    const lines: string[] = [];
    const log = (...content: unknown[]) => lines.push(content.map(String).join(" "));
    const logger = { debug: log, info: log, warn: log, error: log };
    const explanation = await explain({ logger, podIdentity: { maxRetries: 0 } });
    expect(explanation.source).toBe(source);
    const outputs = [JSON.stringify(explanation), formatExplanation(explanation), ...lines];
    const all = outputs.join("\n");
    for (const secret of Object.values(SECRETS)) expect(all).not.toContain(secret);
    expect(all).not.toContain(JWT);
  });

  it("shows the variables that decided, hiding inline key material", async () => {
    for (const [name, value] of Object.entries(rolesAnywhere())) vi.stubEnv(name, value);
    const explanation = await explain({ resolve: false });
    expect(explanation.variables).toContainEqual({ name: "AWS_ROLES_ANYWHERE_PRIVATE_KEY", value: "(inline PEM)" });
    vi.stubEnv("AWS_ROLES_ANYWHERE_PRIVATE_KEY", "pkcs11:token=T;object=k;type=private?pin-value=581204");
    const withTokenKey = await explain({ resolve: false });
    expect(withTokenKey.variables).toContainEqual({ name: "AWS_ROLES_ANYWHERE_PRIVATE_KEY", value: "pkcs11:token=T;object=k;type=private" });
    expect(explanation.variables).toContainEqual({
      name: "AWS_ROLES_ANYWHERE_ROLE_ARN",
      value: "arn:aws:iam::111122223333:role/onprem",
    });
  });

  it("reports a half configuration with the missing variable instead of throwing", async () => {
    vi.stubEnv("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/orders");
    const explanation = await explain();
    expect(explanation).toMatchObject({
      source: "web-identity",
      error: { code: "HALF_CONFIGURED_WEB_IDENTITY", missing: ["AWS_WEB_IDENTITY_TOKEN_FILE"] },
      variables: [{ name: "AWS_ROLE_ARN", value: "arn:aws:iam::111122223333:role/orders" }],
    });
    expect(formatExplanation(explanation)).toContain("error: HALF_CONFIGURED_WEB_IDENTITY");
  });

  it("attributes an invalid value to its source", async () => {
    for (const [name, value] of Object.entries(rolesAnywhere())) vi.stubEnv(name, value);
    vi.stubEnv("AWS_ROLES_ANYWHERE_SESSION_DURATION", "1h");
    expect(await explain()).toMatchObject({
      source: "roles-anywhere",
      error: { code: "INVALID_ENVIRONMENT_VALUE" },
      variables: [{ name: "AWS_ROLES_ANYWHERE_SESSION_DURATION", value: "1h" }],
    });
  });

  it("names the SDK chain link that answered", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIASTATIC0000000001");
    const explanation = await explain();
    expect(explanation.sdkChain?.link).toMatch(/^fromEnv\b.*CREDENTIALS_ENV_VARS/);
    expect(explanation.credentials).toEqual({ expiration: null });
    expect(formatExplanation(explanation)).toMatch(/answered by: fromEnv/);
  });

  it("reports Pod Identity's endpoint and token file, and the expiration after a resolve", async () => {
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.uri);
    vi.stubEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", join(dir, "pod-token"));
    const explanation = await explain();
    expect(explanation.podIdentity).toEqual({
      endpoint: agent.uri,
      authorizationTokenFile: join(dir, "pod-token"),
      tokenFileReadable: true,
    });
    expect(Date.parse(explanation.credentials?.expiration ?? "")).toBeGreaterThan(Date.now());
  });

  it("with resolve: false, makes no source call", async () => {
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.uri);
    vi.stubEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", join(dir, "pod-token"));
    const before = agent.authorizations.length;
    const explanation = await explain({ resolve: false });
    expect(agent.authorizations.length).toBe(before);
    expect(explanation.credentials).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import type { Environment } from "./env.js";
import { type SelectionInput, selectSource } from "./select-source.js";
import { rolesAnywhereSource } from "./sources/roles-anywhere.js";
import { webIdentitySource } from "./sources/web-identity.js";

const IRSA = { AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token", AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/app" };
const POD_IDENTITY = {
  AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.23/v1/credentials",
  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token",
};
const ROLES_ANYWHERE = {
  AWS_ROLES_ANYWHERE_CERTIFICATE: "/etc/app/cert.pem",
  AWS_ROLES_ANYWHERE_PRIVATE_KEY: "/etc/app/key.pem",
  AWS_ROLES_ANYWHERE_TRUST_ANCHOR_ARN: "arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/ta",
  AWS_ROLES_ANYWHERE_PROFILE_ARN: "arn:aws:rolesanywhere:eu-west-1:111122223333:profile/p",
  AWS_ROLES_ANYWHERE_ROLE_ARN: "arn:aws:iam::111122223333:role/onprem",
};
const fallback: SelectionInput = { fallback: {}, podIdentity: undefined };

describe(selectSource.name, () => {
  describe("picks the source from the environment", () => {
    const cases: { name: string; env: Environment; source: string; variables: string[]; ignored?: string[] }[] = [
      { name: "nothing set → SDK chain", env: {}, source: "sdk-chain", variables: [] },
      { name: "static keys → SDK chain", env: { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "s" }, source: "sdk-chain", variables: [] },
      { name: "AWS_PROFILE → SDK chain with the profile", env: { AWS_PROFILE: "dev" }, source: "sdk-chain", variables: ["AWS_PROFILE"] },
      { name: "IRSA → web identity", env: IRSA, source: "web-identity", variables: ["AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"] },
      {
        name: "IRSA with a session name",
        env: { ...IRSA, AWS_ROLE_SESSION_NAME: "s1" },
        source: "web-identity",
        variables: ["AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME"],
      },
      { name: "Pod Identity → pod-identity", env: POD_IDENTITY, source: "pod-identity", variables: Object.keys(POD_IDENTITY) },
      {
        name: "Pod Identity on IPv6",
        env: { ...POD_IDENTITY, AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://[fd00:ec2::23]/v1/credentials" },
        source: "pod-identity",
        variables: Object.keys(POD_IDENTITY),
      },
      {
        name: "a full URI without token file elsewhere (ECS, a sidecar) → SDK chain",
        env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9911/creds", AWS_CONTAINER_AUTHORIZATION_TOKEN: "t" },
        source: "sdk-chain",
        variables: [],
      },
      { name: "ECS relative URI → SDK chain", env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/creds/x" }, source: "sdk-chain", variables: [] },
      { name: "Roles Anywhere → roles-anywhere", env: ROLES_ANYWHERE, source: "roles-anywhere", variables: Object.keys(ROLES_ANYWHERE) },
      {
        name: "Roles Anywhere with a key in a PKCS#11 token, no certificate variable (the token holds it)",
        env: { ...ROLES_ANYWHERE, AWS_ROLES_ANYWHERE_CERTIFICATE: "", AWS_ROLES_ANYWHERE_PRIVATE_KEY: "pkcs11:token=T;object=k" },
        source: "roles-anywhere",
        variables: Object.keys(ROLES_ANYWHERE).filter((name) => name !== "AWS_ROLES_ANYWHERE_CERTIFICATE"),
      },
      {
        name: "Roles Anywhere with a combined PEM or PKCS#12 bundle, no key variable",
        env: { ...ROLES_ANYWHERE, AWS_ROLES_ANYWHERE_PRIVATE_KEY: "" },
        source: "roles-anywhere",
        variables: Object.keys(ROLES_ANYWHERE).filter((name) => name !== "AWS_ROLES_ANYWHERE_PRIVATE_KEY"),
      },
      {
        name: "empty web identity variables count as unset",
        env: { AWS_WEB_IDENTITY_TOKEN_FILE: "", AWS_ROLE_ARN: " " },
        source: "sdk-chain",
        variables: [],
      },
      { name: "IRSA beats Pod Identity", env: { ...POD_IDENTITY, ...IRSA }, source: "web-identity", variables: Object.keys(IRSA), ignored: ["pod-identity"] },
      {
        name: "Pod Identity beats Roles Anywhere",
        env: { ...ROLES_ANYWHERE, ...POD_IDENTITY },
        source: "pod-identity",
        variables: Object.keys(POD_IDENTITY),
        ignored: ["roles-anywhere"],
      },
      {
        name: "IRSA beats everything",
        env: { ...ROLES_ANYWHERE, ...POD_IDENTITY, ...IRSA, AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "s" },
        source: "web-identity",
        variables: Object.keys(IRSA),
        ignored: ["pod-identity", "roles-anywhere"],
      },
    ];
    it.each(cases)("$name", ({ env, source, variables, ignored = [] }) => {
      const decision = selectSource(fallback, env);
      expect(decision.source).toBe(source);
      expect(decision.variables).toEqual(variables);
      expect(decision.ignored).toEqual(ignored);
      expect(decision.reason).not.toBe("");
    });
  });

  it("leaves the web identity variables to the source, which reads them at each call and names them in its errors", () => {
    expect(webIdentitySource.detect({ ...IRSA, AWS_ROLE_SESSION_NAME: "s1" })).toMatchObject({
      state: "complete",
      config: {},
      variables: ["AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME"],
    });
  });

  it("reads the Roles Anywhere optional settings", () => {
    const decision = rolesAnywhereSource.detect({
      ...ROLES_ANYWHERE,
      AWS_ROLES_ANYWHERE_SESSION_DURATION: "1800",
      AWS_ROLES_ANYWHERE_CERTIFICATE_CHAIN: "/etc/app/chain.pem",
      AWS_ROLES_ANYWHERE_PRIVATE_KEY_PASSPHRASE_FILE: "/run/secrets/pass",
      AWS_ENDPOINT_URL_ROLESANYWHERE: "http://127.0.0.1:1234",
    });
    expect(decision).toMatchObject({
      state: "complete",
      config: {
        certificate: "/etc/app/cert.pem",
        privateKey: "/etc/app/key.pem",
        durationSeconds: 1800,
        certificateChain: "/etc/app/chain.pem",
        passphraseFile: "/run/secrets/pass",
        endpoint: "http://127.0.0.1:1234",
      },
    });
  });

  it("lets explicit options win over the environment, and lists what it ignored", () => {
    const explicit = { kind: "roles-anywhere", options: { certificate: "/c", privateKey: "/k", trustAnchorArn: "t", profileArn: "p", roleArn: "r" } } as const;
    const decision = selectSource({ ...fallback, explicit }, { ...IRSA, ...POD_IDENTITY });
    expect(decision).toMatchObject({ source: "explicit", explicit: "roles-anywhere", ignored: ["web-identity", "pod-identity"] });
  });

  it("with explicit options, a half configured environment is a warning, not an error", () => {
    const explicit = { kind: "web-identity", options: { webIdentityTokenFile: "/t", roleArn: "arn:aws:iam::1:role/r" } } as const;
    const decision = selectSource({ ...fallback, explicit }, { AWS_ROLE_ARN: "arn" });
    expect(decision.source).toBe("explicit");
    expect(decision.warnings[0]).toContain("AWS_WEB_IDENTITY_TOKEN_FILE");
  });

  it("reports a half configuration of a losing source as a warning", () => {
    const decision = selectSource(fallback, { ...IRSA, AWS_ROLES_ANYWHERE_CERTIFICATE: "/c.pem" });
    expect(decision.source).toBe("web-identity");
    expect(decision.warnings).toHaveLength(1);
    expect(decision.warnings[0]).toContain("AWS_ROLES_ANYWHERE_TRUST_ANCHOR_ARN");
  });

  it("returns source none when nothing is configured and the fallback is disabled", () => {
    expect(selectSource({ ...fallback, fallback: false }, { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "s" }).source).toBe("none");
  });

  describe("half configurations are errors naming the missing variable", () => {
    const cases: { name: string; env: Environment; code: string; missing: string[] }[] = [
      { name: "token file without role", env: { AWS_WEB_IDENTITY_TOKEN_FILE: "/t" }, code: "HALF_CONFIGURED_WEB_IDENTITY", missing: ["AWS_ROLE_ARN"] },
      { name: "token file with an empty role", env: { AWS_WEB_IDENTITY_TOKEN_FILE: "/t", AWS_ROLE_ARN: "" }, code: "HALF_CONFIGURED_WEB_IDENTITY", missing: ["AWS_ROLE_ARN"] },
      { name: "role without token file", env: { AWS_ROLE_ARN: "arn:aws:iam::1:role/r" }, code: "HALF_CONFIGURED_WEB_IDENTITY", missing: ["AWS_WEB_IDENTITY_TOKEN_FILE"] },
      {
        name: "Pod Identity token file without URI",
        env: { AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/t" },
        code: "HALF_CONFIGURED_POD_IDENTITY",
        missing: ["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
      },
      {
        name: "Pod Identity agent URI without token file",
        env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.23/v1/credentials" },
        code: "HALF_CONFIGURED_POD_IDENTITY",
        missing: ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"],
      },
      {
        name: "Roles Anywhere without role",
        env: { ...ROLES_ANYWHERE, AWS_ROLES_ANYWHERE_ROLE_ARN: "" },
        code: "HALF_CONFIGURED_ROLES_ANYWHERE",
        missing: ["AWS_ROLES_ANYWHERE_ROLE_ARN"],
      },
      {
        // The certificate may hold the key (a combined PEM or a PKCS#12 bundle): only the ARNs are missing.
        name: "Roles Anywhere with only a certificate",
        env: { AWS_ROLES_ANYWHERE_CERTIFICATE: "/c.pem" },
        code: "HALF_CONFIGURED_ROLES_ANYWHERE",
        missing: ["AWS_ROLES_ANYWHERE_TRUST_ANCHOR_ARN", "AWS_ROLES_ANYWHERE_PROFILE_ARN", "AWS_ROLES_ANYWHERE_ROLE_ARN"],
      },
      {
        name: "Roles Anywhere with only a key",
        env: { AWS_ROLES_ANYWHERE_PRIVATE_KEY: "/k.pem" },
        code: "HALF_CONFIGURED_ROLES_ANYWHERE",
        missing: ["AWS_ROLES_ANYWHERE_CERTIFICATE", "AWS_ROLES_ANYWHERE_TRUST_ANCHOR_ARN", "AWS_ROLES_ANYWHERE_PROFILE_ARN", "AWS_ROLES_ANYWHERE_ROLE_ARN"],
      },
      {
        name: "Roles Anywhere optional variable alone",
        env: { AWS_ROLES_ANYWHERE_SESSION_DURATION: "900" },
        code: "HALF_CONFIGURED_ROLES_ANYWHERE",
        missing: [...Object.keys(ROLES_ANYWHERE)],
      },
      {
        name: "half IRSA even when static keys are set (no silent fall-through)",
        env: { AWS_WEB_IDENTITY_TOKEN_FILE: "/t", AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "s" },
        code: "HALF_CONFIGURED_WEB_IDENTITY",
        missing: ["AWS_ROLE_ARN"],
      },
      {
        name: "half IRSA before a complete Roles Anywhere",
        env: { ...ROLES_ANYWHERE, AWS_ROLE_ARN: "arn:aws:iam::1:role/r" },
        code: "HALF_CONFIGURED_WEB_IDENTITY",
        missing: ["AWS_WEB_IDENTITY_TOKEN_FILE"],
      },
    ];
    it.each(cases)("$name → $code", ({ env, code, missing }) => {
      let caught: unknown;
      try {
        selectSource(fallback, env);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code, missing, tryNextLink: false });
      for (const name of missing) expect((caught as Error).message).toContain(name);
    });
  });

  it.each([
    ["http://10.1.2.3:9911/v1/credentials", false],
    ["ftp://127.0.0.1/creds", false],
    ["http://128.0.0.1/creds", false],
    ["https://creds.internal.example/v1", true],
    ["http://127.0.0.1:9911/v1/credentials", true],
    ["http://localhost:9911/v1/credentials", true],
    ["http://[::1]:9911/v1/credentials", true],
    ["http://169.254.170.2/v2/credentials", true],
  ])("a Pod Identity URI the SDK's fromHttp refuses is an invalid value: %s → accepted %s", (uri, accepted) => {
    const env = { ...POD_IDENTITY, AWS_CONTAINER_CREDENTIALS_FULL_URI: uri };
    if (accepted) {
      expect(selectSource(fallback, env).source).toBe("pod-identity");
    } else {
      expect(() => selectSource(fallback, env)).toThrow(
        expect.objectContaining({ code: "INVALID_ENVIRONMENT_VALUE", variable: "AWS_CONTAINER_CREDENTIALS_FULL_URI" }),
      );
    }
  });

  it("rejects a session duration that is not a whole number of seconds", () => {
    expect(() => selectSource(fallback, { ...ROLES_ANYWHERE, AWS_ROLES_ANYWHERE_SESSION_DURATION: "1h" })).toThrow(
      expect.objectContaining({ code: "INVALID_ENVIRONMENT_VALUE", variable: "AWS_ROLES_ANYWHERE_SESSION_DURATION" }),
    );
  });
});

/**
 * Interop with a real, independent STS: Ceph's radosgw (Debian's `radosgw ceph-mon ceph-osd`) implements
 * AssumeRoleWithWebIdentity, fetches the issuer's discovery document and JWKS at every call, checks the signature, the
 * audience against the registered OIDC provider and the role's trust condition, and issues credentials its S3 API
 * accepts. Where radosgw is not installed the suite reports itself skipped, with the reason in its name;
 * WORKLOAD_IDENTITY_REQUIRE_RADOSGW=1 turns that into a failure (for CI, which installs it).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createProjectedTokenDir,
  createWebIdentityRole,
  type OidcIssuer,
  type ProjectedTokenDir,
  type Radosgw,
  type RadosgwCredentials,
  radosgwUnavailableReason,
  sendRadosgwRequest,
  startOidcIssuer,
  startRadosgw,
  xmlText,
} from "@workload-identity/testing";
import { fromTokenFile, StsRequestError } from "@workload-identity/web-identity";

const unavailable = radosgwUnavailableReason();
const required = process.env["WORKLOAD_IDENTITY_REQUIRE_RADOSGW"] === "1";
if (unavailable !== undefined) {
  // Loud on purpose: a skipped interop suite must never pass for a green one.
  console.warn(`\n*** radosgw interop tests SKIPPED: ${unavailable}. Install with: apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd ***\n`);
}

const ROLE_NAME = "orders-reader";
const TRUSTED_SUBJECT = "system:serviceaccount:shop:orders";

if (unavailable !== undefined && required) {
  describe("radosgw interop (required by WORKLOAD_IDENTITY_REQUIRE_RADOSGW=1)", () => {
    it("needs radosgw installed", () => {
      expect.fail(`WORKLOAD_IDENTITY_REQUIRE_RADOSGW=1 but ${unavailable}`);
    });
  });
}

describe.skipIf(unavailable !== undefined)(
  `${fromTokenFile.name} against Ceph radosgw, a real AssumeRoleWithWebIdentity${unavailable === undefined ? "" : ` (skipped: ${unavailable})`}`,
  () => {
    let radosgw: Radosgw | undefined;
    let issuer: OidcIssuer | undefined;
    let tokenDir: ProjectedTokenDir | undefined;
    let roleArn: string;

    beforeAll(async () => {
      radosgw = await startRadosgw();
      if (radosgw === undefined) throw new Error(`radosgw vanished: ${radosgwUnavailableReason() ?? "?"}`);
      issuer = await startOidcIssuer();
      tokenDir = await createProjectedTokenDir();

      // As for an EKS cluster's issuer: the provider is named by the issuer without its scheme.
      const role = await createWebIdentityRole(radosgw, issuer, { roleName: ROLE_NAME, subject: TRUSTED_SUBJECT });
      expect(role.providerArn).toBe(`arn:aws:iam:::oidc-provider/${issuer.issuer.replace(/^https?:\/\//, "")}`);
      roleArn = role.roleArn;
      await radosgw.iam.putRolePolicy({
        roleName: ROLE_NAME,
        policyName: "s3-all",
        policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"] }] },
      });
    }, 120_000);

    afterAll(async () => {
      await Promise.allSettled([radosgw?.close(), issuer?.close(), tokenDir?.remove()]);
    });

    afterEach(() => {
      vi.unstubAllEnvs();
    });

    /** The environment the EKS pod identity webhook injects, with the STS endpoint pointed at radosgw. */
    const configureLikeAPod = (gateway: Radosgw, dir: ProjectedTokenDir): void => {
      vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", dir.tokenFile);
      vi.stubEnv("AWS_ROLE_ARN", roleArn);
      vi.stubEnv("AWS_REGION", "us-east-1");
      vi.stubEnv("AWS_ENDPOINT_URL_STS", gateway.endpoint);
      vi.stubEnv("AWS_ROLE_SESSION_NAME", "");
    };

    const setUp = (): { gateway: Radosgw; oidc: OidcIssuer; dir: ProjectedTokenDir } => {
      if (radosgw === undefined || issuer === undefined || tokenDir === undefined) throw new Error("beforeAll did not finish");
      configureLikeAPod(radosgw, tokenDir);
      return { gateway: radosgw, oidc: issuer, dir: tokenDir };
    };

    it("gets credentials from radosgw, found through AWS_ENDPOINT_URL_STS", async () => {
      const { oidc, dir } = setUp();
      await dir.write(await oidc.mintServiceAccountToken({ namespace: "shop", serviceAccount: "orders" }));

      const before = Date.now();
      const credentials = await fromTokenFile({ durationSeconds: 900 })();

      expect(credentials.accessKeyId).toMatch(/^\S{16,}$/);
      expect(credentials.secretAccessKey).toMatch(/^\S{16,}$/);
      expect(credentials.sessionToken).toMatch(/^\S{16,}$/);
      // radosgw grants the requested duration, counted from its own clock (the same machine's).
      const lifetimeMs = (credentials.expiration?.getTime() ?? 0) - before;
      expect(lifetimeMs).toBeGreaterThan(840_000);
      expect(lifetimeMs).toBeLessThanOrEqual(901_000);
    });

    it("hands out credentials that radosgw's S3 API accepts, and only with their secret and session token", async () => {
      const { gateway, oidc, dir } = setUp();
      await dir.write(await oidc.mintServiceAccountToken({ namespace: "shop", serviceAccount: "orders" }));
      const issued = await fromTokenFile()();
      const credentials: RadosgwCredentials = {
        accessKeyId: issued.accessKeyId,
        secretAccessKey: issued.secretAccessKey,
        sessionToken: issued.sessionToken,
      };
      const s3 = (as: RadosgwCredentials, method: "GET" | "PUT", path: string) =>
        sendRadosgwRequest({ endpoint: gateway.endpoint, credentials: as, service: "s3", method, path });

      expect((await s3(credentials, "PUT", "/orders-archive")).status).toBe(200);
      const listing = await s3(credentials, "GET", "/");
      expect(listing.status).toBe(200);
      expect(xmlText(listing.body, "Name")).toBe("orders-archive");
      // The bucket belongs to the federated identity, named after the token's subject.
      expect(xmlText(listing.body, "ID")).toContain(TRUSTED_SUBJECT);

      const wrongSecret = await s3({ ...credentials, secretAccessKey: `${credentials.secretAccessKey}x` }, "GET", "/");
      expect(wrongSecret.status).toBe(403);
      const withoutSessionToken = await s3({ ...credentials, sessionToken: undefined }, "GET", "/");
      expect(withoutSessionToken.status).toBe(403);
    });

    /** radosgw answers every refusal with the same bare 403 AccessDenied: each refusal test first shows that the
     * same token, but for the one claim or key under test, is accepted, so the 403 can only come from that. */
    const acceptedFirst = async (dir: ProjectedTokenDir, token: string): Promise<void> => {
      await dir.write(token);
      await expect(fromTokenFile()()).resolves.toMatchObject({ accessKeyId: expect.any(String) });
    };

    it("is refused (403) for a token signed by a key the issuer's JWKS does not publish", async () => {
      const { oidc, dir } = setUp();
      await acceptedFirst(dir, await oidc.mintServiceAccountToken({ namespace: "shop", serviceAccount: "orders" }));
      await dir.write(await oidc.mintServiceAccountToken({ namespace: "shop", serviceAccount: "orders", signer: "untrusted" }));

      const refused = fromTokenFile()();

      // radosgw's error XML is not in the shape the SDK parses, so the STS code is lost; the status is not.
      await expect(refused).rejects.toBeInstanceOf(StsRequestError);
      await expect(refused).rejects.toMatchObject({ httpStatusCode: 403, tryNextLink: false });
      await expect(refused).rejects.toHaveProperty("cause.httpStatusCode", 403);
    });

    it("is refused (403) for a service account outside the role's trust condition", async () => {
      const { oidc, dir } = setUp();
      await acceptedFirst(dir, await oidc.mintServiceAccountToken({ namespace: "shop", serviceAccount: "orders" }));
      await dir.write(await oidc.mintServiceAccountToken({ namespace: "shop", serviceAccount: "payments" }));

      const refused = fromTokenFile()();

      await expect(refused).rejects.toBeInstanceOf(StsRequestError);
      await expect(refused).rejects.toMatchObject({ httpStatusCode: 403, tryNextLink: false });
    });
  },
);

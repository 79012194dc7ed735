/**
 * Role chaining and credential recovery against a real, independent STS and S3: Ceph's radosgw (Debian's
 * `radosgw ceph-mon ceph-osd`). Role chaining: web identity gives role A, whose session assumes role B with radosgw's
 * STS AssumeRole, and S3 checks each role's permissions. Recovery: radosgw runs under libfaketime and its clock jumps
 * two hours ahead mid-test, so it refuses credentials our cache still holds as valid (it answers an expired session
 * with 403 AccessDenied, after the SDK has corrected its clock skew).
 *
 * Where radosgw (or libfaketime, for recovery) is not installed the suites report themselves skipped, with the reason
 * in their name; WORKLOAD_IDENTITY_REQUIRE_RADOSGW=1 turns that into a failure.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type { RefreshEvent } from "@workload-identity/refresh";
import { movableClockUnavailableReason, radosgwUnavailableReason } from "@workload-identity/testing";
import { isolateEnvironment } from "@workload-identity/testing/vitest";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AssumeRoleError,
  type CredentialRecoveryEvent,
  clearSharedCredentialCache,
  credentialRecovery,
  explain,
  formatExplanation,
  fromEnvironmentAware,
} from "../src/index.js";
import { type RadosgwWorld, startRadosgwWorld } from "./radosgw-world.js";

const unavailable = radosgwUnavailableReason();
const clockUnavailable = movableClockUnavailableReason();
const required = process.env["WORKLOAD_IDENTITY_REQUIRE_RADOSGW"] === "1";
if (unavailable !== undefined) {
  // Loud on purpose: a skipped interop suite must never pass for a green one.
  console.warn(`\n*** radosgw role chaining and recovery tests SKIPPED: ${unavailable}. Install with: apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd ***\n`);
}
if (unavailable !== undefined && required) {
  describe("radosgw interop (required by WORKLOAD_IDENTITY_REQUIRE_RADOSGW=1)", () => {
    it("needs radosgw installed", () => {
      expect.fail(`WORKLOAD_IDENTITY_REQUIRE_RADOSGW=1 but ${unavailable}`);
    });
  });
}

const HOUR = 3_600_000;
const skipped = (reason: string | undefined) => (reason === undefined ? "" : ` (skipped: ${reason})`);

function s3Client(world: RadosgwWorld, credentials: AwsCredentialIdentityProvider): S3Client {
  return new S3Client({ endpoint: world.radosgw.endpoint, region: "us-east-1", forcePathStyle: true, credentials });
}

describe.skipIf(unavailable !== undefined)(`against Ceph radosgw, a real STS and S3${skipped(unavailable)}`, () => {
  let world: RadosgwWorld | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "radosgw-interop-"));
    world = await startRadosgwWorld({ movableClock: clockUnavailable === undefined });
  }, 120_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await world?.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    clearSharedCredentialCache();
    vi.unstubAllEnvs();
    isolateEnvironment(dir);
    await started().configurePod();
  });

  const started = (): RadosgwWorld => {
    if (world === undefined) throw new Error("beforeAll did not finish");
    return world;
  };

  describe("role chaining: web identity gives role A (orders), whose session assumes role B (reports)", () => {
    it("hands out role B's session, which S3 lets into B's buckets and not A's; role A's own session the reverse", async () => {
      const { roles } = started();
      const chained = fromEnvironmentAware({ assumeRole: { roleArn: roles.reports, durationSeconds: 900 } });
      const base = fromEnvironmentAware();
      const asB = s3Client(started(), chained);
      const asA = s3Client(started(), base);

      await expect(asB.send(new CreateBucketCommand({ Bucket: "reports-2026" }))).resolves.toBeDefined();
      await expect(asB.send(new CreateBucketCommand({ Bucket: "orders-2026" }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
      await expect(asA.send(new CreateBucketCommand({ Bucket: "orders-2026" }))).resolves.toBeDefined();
      await expect(asA.send(new CreateBucketCommand({ Bucket: "reports-2027" }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });

      const [chainedSet, baseSet] = [await chained(), await base()];
      expect(chainedSet.accessKeyId).not.toBe(baseSet.accessKeyId);
      const lifetimeMs = (chainedSet.expiration?.getTime() ?? 0) - Date.now();
      expect(lifetimeMs).toBeGreaterThan(14 * 60_000);
      expect(lifetimeMs).toBeLessThanOrEqual(15 * 60_000 + 1_000);
    });

    it("is explained as two links: web identity for role A, then AssumeRole of role B", async () => {
      const { roles } = started();
      const report = await explain({ assumeRole: { roleArn: roles.reports, roleSessionName: "orders-pod" } });

      expect(report).toMatchObject({
        source: "web-identity",
        webIdentity: { roleArn: roles.orders },
        assumeRole: {
          base: "web-identity",
          baseRoleArn: roles.orders,
          roleArn: roles.reports,
          roleSessionName: "orders-pod",
          durationSeconds: 3600,
          baseCredentials: { expiration: expect.any(String) },
        },
        credentials: { expiration: expect.any(String) },
      });
      expect(report.error).toBeUndefined();
      // Chained sessions last at most an hour, and never past the base set.
      const chainedExpiry = Date.parse(report.credentials?.expiration ?? "");
      expect(chainedExpiry - Date.now()).toBeLessThanOrEqual(HOUR);
      expect(chainedExpiry).toBeLessThanOrEqual(Date.parse(report.assumeRole?.baseCredentials?.expiration ?? ""));
      const text = formatExplanation(report);
      expect(text).toContain(`  1. web-identity: ${roles.orders}, credentials expire `);
      expect(text).toContain(`  2. AssumeRole: ${roles.reports} as orders-pod (3600 s)`);
    });

    it("reports an AssumeRole radosgw refuses (role C trusts another principal) as an AssumeRoleError naming role C, not role A", async () => {
      const { roles } = started();
      const refused = fromEnvironmentAware({ assumeRole: { roleArn: roles.vault } })();

      await expect(refused).rejects.toBeInstanceOf(AssumeRoleError);
      await expect(refused).rejects.toMatchObject({ code: "ASSUME_ROLE_ACCESS_DENIED", roleArn: roles.vault, httpStatusCode: 403, tryNextLink: false });
      const message = await refused.catch((error: Error) => error.message);
      expect(message).toContain(roles.vault);
      expect(message).not.toContain(roles.orders);
      // Role A itself is fine: the refusal is role C's trust policy.
      await expect(fromEnvironmentAware()()).resolves.toMatchObject({ accessKeyId: expect.any(String) });
    });
  });

  describe.skipIf(clockUnavailable !== undefined)(
    `credentialRecovery when radosgw's clock jumps two hours ahead${skipped(clockUnavailable)}`,
    () => {
      it("recovers an S3 call through the plugin with one refresh and one retry; without the plugin it fails", async () => {
        const clock = started().clock;
        if (clock === undefined) throw new Error("radosgw is not on a movable clock");
        const refreshes: RefreshEvent[] = [];
        const provider = fromEnvironmentAware({ refresh: { onEvent: (event) => refreshes.push(event) } });
        const recoveries: CredentialRecoveryEvent[] = [];
        const plain = s3Client(started(), provider);
        const recovering = s3Client(started(), provider);
        recovering.middlewareStack.use(credentialRecovery({ onEvent: (event) => recoveries.push(event) }));
        await recovering.send(new CreateBucketCommand({ Bucket: "orders-archive" }));
        const before = await provider();

        try {
          await clock.setAhead(2 * HOUR);
          refreshes.length = 0;

          // radosgw now sees the session as expired; our cache, on this machine's clock, does not.
          await expect(plain.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
          expect((await provider()).accessKeyId).toBe(before.accessKeyId);
          expect(refreshes).toEqual([]);

          const listing = await recovering.send(new ListBucketsCommand({}));

          expect(listing.Buckets?.map((bucket) => bucket.Name)).toContain("orders-archive");
          expect(recoveries).toEqual([
            { type: "credentials-refused", code: "AccessDenied", reason: "expired-by-service-clock", httpStatusCode: 403 },
            { type: "refresh-forced", code: "AccessDenied" },
            { type: "retried", code: "AccessDenied", succeeded: true },
          ]);
          expect(refreshes.filter((event) => event.type === "refresh-started")).toEqual([{ type: "refresh-started", reason: "forced" }]);
          const after = await provider();
          expect(after.accessKeyId).not.toBe(before.accessKeyId);

          // The shared cache now holds the new session: the client without the plugin works again too, and 50 more
          // calls through the plugin need no further refresh.
          await expect(plain.send(new ListBucketsCommand({}))).resolves.toBeDefined();
          await Promise.all(Array.from({ length: 50 }, () => recovering.send(new ListBucketsCommand({}))));
          expect(refreshes.filter((event) => event.type === "refresh-started")).toHaveLength(1);
          expect(recoveries).toHaveLength(3);
        } finally {
          await clock.setAhead(0);
        }
      });
    },
  );
});

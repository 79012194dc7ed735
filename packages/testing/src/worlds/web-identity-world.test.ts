import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fromTokenFile } from "@workload-identity/web-identity";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebIdentityWorld, type WebIdentityWorld } from "./web-identity-world.js";

const NOW = Date.parse("2026-11-23T12:00:00Z");

describe(startWebIdentityWorld.name, () => {
  let world: WebIdentityWorld;
  beforeAll(async () => {
    world = await startWebIdentityWorld({ now: () => NOW, namespace: "shop", serviceAccount: "orders", credentialLifetimeSeconds: 900 });
  });
  afterAll(() => world.close());

  it("gives the pod's variables: token file, role, region and the STS endpoint", () => {
    expect(world.env).toEqual({
      AWS_WEB_IDENTITY_TOKEN_FILE: world.tokenDir.tokenFile,
      AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/workload",
      AWS_REGION: "eu-west-1",
      AWS_ENDPOINT_URL_STS: world.sts.endpoint,
    });
  });

  it("keeps the projected volume in its private directory, and removes both on close", async () => {
    const other = await startWebIdentityWorld({ now: () => NOW });
    expect(other.tokenDir.dir).toBe(join(other.dir, "serviceaccount"));
    expect((await stat(other.tokenDir.tokenFile)).isFile()).toBe(true);
    await other.close();
    await expect(stat(other.dir)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("starts with a fresh token of the pod's service account, dated by the world's clock", async () => {
    const claims = decodeJwt(await readFile(world.tokenDir.tokenFile, "utf8"));
    expect(claims).toMatchObject({ iss: world.issuer.issuer, sub: "system:serviceaccount:shop:orders", iat: NOW / 1000 });
    expect(world.subject).toBe("system:serviceaccount:shop:orders");
  });

  it("exchanges that token for credentials at its STS, on the same clock", async () => {
    const credentials = await fromTokenFile({
      webIdentityTokenFile: world.env.AWS_WEB_IDENTITY_TOKEN_FILE,
      roleArn: world.roleArn,
      now: () => NOW,
      refresh: { now: () => NOW },
      clientConfig: { region: world.region, endpoint: world.sts.endpoint },
    })();
    expect(credentials.expiration?.getTime()).toBe(NOW + 900_000);
    expect(world.sts.calls.at(-1)).toMatchObject({ status: 200, subject: world.subject, roleArn: world.roleArn });
  });

  it("writes a new token on demand, with other claims when asked, and the role refuses another subject", async () => {
    const token = await world.writeToken({ serviceAccount: "billing" });
    expect(await readFile(world.tokenDir.tokenFile, "utf8")).toBe(token);
    expect(decodeJwt(token).sub).toBe("system:serviceaccount:shop:billing");
    const provider = fromTokenFile({
      webIdentityTokenFile: world.tokenDir.tokenFile,
      roleArn: world.roleArn,
      now: () => NOW,
      clientConfig: { region: world.region, endpoint: world.sts.endpoint },
    });
    await expect(provider()).rejects.toMatchObject({ code: "STS_ACCESS_DENIED" });
  });
});

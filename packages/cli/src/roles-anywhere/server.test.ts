import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClock, createFakeSource, createSessionError, PLANTED } from "../../test/cli-support.js";
import { createContainerHandler } from "./container-routes.js";
import { prepareContainerToken } from "./container-token.js";
import { createImdsHandler } from "./imds-routes.js";
import { createJsonLogger } from "./log.js";
import { createServedCredentials } from "./served-credentials.js";
import { type CredentialServer, startCredentialServer } from "./server.js";
import { createSessionTokens } from "./session-tokens.js";

const ROLE_ARN = "arn:aws:iam::123456789012:role/team/workload-reader";
const CREDS_PATH = "/latest/meta-data/iam/security-credentials/";

describe(startCredentialServer.name, () => {
  let clock: ReturnType<typeof createClock>;
  let fake: ReturnType<typeof createFakeSource>;
  let server: CredentialServer;
  let dir: string;
  let tokenFile: string;
  const logLines: string[] = [];

  beforeEach(async () => {
    clock = createClock();
    fake = createFakeSource(clock);
    dir = await mkdtemp(join(tmpdir(), "ra-server-"));
    tokenFile = join(dir, "token");
    await writeFile(tokenFile, "container-token-1", { mode: 0o600 });
    const log = createJsonLogger({ write: (line) => logLines.push(line) });
    const served = createServedCredentials({ provider: fake.provider(), now: clock.now });
    const containerToken = await prepareContainerToken(tokenFile);
    server = await startCredentialServer({
      port: 0,
      log,
      routes: [
        createImdsHandler({ roleName: "workload-reader", tokens: createSessionTokens({ now: clock.now }), credentials: served }),
        createContainerHandler({ authorizationToken: () => containerToken.read(), credentials: served, accountId: "123456789012" }),
      ],
    });
  });

  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
    logLines.length = 0;
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.origin}${path}`, { headers });
  const putToken = (ttl: string | undefined, headers: Record<string, string> = {}) =>
    fetch(`${server.origin}/latest/api/token`, {
      method: "PUT",
      headers: { ...(ttl === undefined ? {} : { "x-aws-ec2-metadata-token-ttl-seconds": ttl }), ...headers },
    });
  /** A request with headers fetch() would not let us set (Host). */
  const raw = (method: string, path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port: server.port, method, path, headers }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
  const token = async (ttl = "21600") => {
    const response = await putToken(ttl);
    expect(response.status).toBe(200);
    return response.text();
  };

  it("listens on 127.0.0.1 only", () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
  });

  describe("IMDSv2", () => {
    it("issues a session token with the requested TTL echoed in the response header", async () => {
      const response = await putToken("300");
      expect(response.status).toBe(200);
      expect(response.headers.get("x-aws-ec2-metadata-token-ttl-seconds")).toBe("300");
      expect((await response.text()).length).toBeGreaterThanOrEqual(40);
    });

    it.each([["0"], ["21601"], ["abc"], ["-5"], [""]])("refuses the token TTL %j with 400", async (ttl) => {
      expect((await putToken(ttl)).status).toBe(400);
    });

    it("refuses a token request without a TTL header with 400", async () => {
      expect((await putToken(undefined)).status).toBe(400);
    });

    it("answers 405 to a GET of the token path", async () => {
      expect((await get("/latest/api/token")).status).toBe(405);
    });

    it("lists the role name (the role ARN's last segment) with a valid token", async () => {
      const t = await token();
      for (const path of ["/latest/meta-data/iam/security-credentials", CREDS_PATH]) {
        const response = await get(path, { "x-aws-ec2-metadata-token": t });
        expect(response.status).toBe(200);
        expect(await response.text()).toBe(ROLE_ARN.split("/").pop());
      }
    });

    it("returns the credentials in the IMDS shape", async () => {
      const t = await token();
      const response = await get(`${CREDS_PATH}workload-reader`, { "x-aws-ec2-metadata-token": t });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(await response.json()).toEqual({
        Code: "Success",
        LastUpdated: "2030-01-01T00:00:00Z",
        Type: "AWS-HMAC",
        AccessKeyId: "ASIAFAKE00000001",
        SecretAccessKey: `${PLANTED.secretAccessKey}1`,
        Token: `${PLANTED.sessionToken}1`,
        Expiration: "2030-01-01T01:00:00Z",
      });
    });

    it("answers 401 without a token, with an unknown token and with an expired token", async () => {
      const path = `${CREDS_PATH}workload-reader`;
      expect((await get(path)).status).toBe(401);
      expect((await get(path, { "x-aws-ec2-metadata-token": "not-a-token" })).status).toBe(401);
      expect((await get(CREDS_PATH)).status).toBe(401);
      const t = await token("60");
      expect((await get(path, { "x-aws-ec2-metadata-token": t })).status).toBe(200);
      clock.advance(60_000);
      expect((await get(path, { "x-aws-ec2-metadata-token": t })).status).toBe(401);
    });

    it("refuses any request carrying X-Forwarded-For", async () => {
      expect((await putToken("21600", { "x-forwarded-for": "10.0.0.7" })).status).toBe(403);
      const t = await token();
      const response = await get(`${CREDS_PATH}workload-reader`, {
        "x-aws-ec2-metadata-token": t,
        "x-forwarded-for": "10.0.0.7",
      });
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain(PLANTED.secretAccessKey);
    });

    it("refuses a request whose Host is not 127.0.0.1 or localhost with the server's port (DNS rebinding)", async () => {
      const t = await token();
      const path = `${CREDS_PATH}workload-reader`;
      for (const host of ["attacker.example:" + String(server.port), "attacker.example", "127.0.0.1", `127.0.0.1:${server.port + 1}`, `10.0.0.7:${server.port}`, `localhost.:${server.port}`]) {
        const response = await raw("GET", path, { host, "x-aws-ec2-metadata-token": t });
        expect({ host, status: response.status }).toEqual({ host, status: 403 });
        expect(response.body).not.toContain(PLANTED.secretAccessKey);
      }
      expect((await raw("PUT", "/latest/api/token", { host: `attacker.example:${server.port}`, "x-aws-ec2-metadata-token-ttl-seconds": "60" })).status).toBe(403);
      for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`]) {
        expect((await raw("GET", path, { host, "x-aws-ec2-metadata-token": t })).status).toBe(200);
      }
    });

    it("refuses any request carrying an Origin header (a browser)", async () => {
      const put = await raw("PUT", "/latest/api/token", {
        host: `127.0.0.1:${server.port}`,
        origin: "http://attacker.example",
        "x-aws-ec2-metadata-token-ttl-seconds": "60",
      });
      expect(put.status).toBe(403);
      const t = await token();
      const get = await raw("GET", `${CREDS_PATH}workload-reader`, {
        host: `127.0.0.1:${server.port}`,
        origin: `http://127.0.0.1:${server.port}`,
        "x-aws-ec2-metadata-token": t,
      });
      expect(get.status).toBe(403);
    });

    it.each([["forwarded", "for=10.0.0.7;proto=http"], ["via", "1.1 proxy.example"]])(
      "refuses any request carrying %s (a proxy), as X-Forwarded-For",
      async (name, value) => {
        expect((await putToken("21600", { [name]: value })).status).toBe(403);
        const t = await token();
        const response = await get(`${CREDS_PATH}workload-reader`, { "x-aws-ec2-metadata-token": t, [name]: value });
        expect(response.status).toBe(403);
        expect(await response.text()).not.toContain(PLANTED.secretAccessKey);
      },
    );

    it("keeps a client's token valid while another local process floods the token route", async () => {
      const mine = await token();
      for (let batch = 0; batch < 12; batch += 1) {
        const flood = await Promise.all(Array.from({ length: 25 }, () => putToken("21600")));
        expect(flood.every((response) => response.status === 200)).toBe(true);
      }
      const response = await get(`${CREDS_PATH}workload-reader`, { "x-aws-ec2-metadata-token": mine });
      expect(response.status).toBe(200);
    });

    it("answers 404 for another role name", async () => {
      const t = await token();
      expect((await get(`${CREDS_PATH}other-role`, { "x-aws-ec2-metadata-token": t })).status).toBe(404);
    });

    it("keeps serving the last good credentials while a refresh fails, then answers 500 once they expired", async () => {
      const t = await token();
      const path = `${CREDS_PATH}workload-reader`;
      expect(((await (await get(path, { "x-aws-ec2-metadata-token": t })).json()) as { AccessKeyId: string }).AccessKeyId).toBe("ASIAFAKE00000001");
      fake.fail(createSessionError(403, "AccessDeniedException", "The profile does not allow this role."));
      clock.advance(59 * 60_000); // inside the mandatory window: the refresh fails, the cache is still valid
      const stale = await get(path, { "x-aws-ec2-metadata-token": t });
      expect(stale.status).toBe(200);
      expect(((await stale.json()) as { AccessKeyId: string }).AccessKeyId).toBe("ASIAFAKE00000001");
      clock.advance(2 * 60_000); // past the expiration
      const response = await get(path, { "x-aws-ec2-metadata-token": t });
      expect(response.status).toBe(500);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body.Code).not.toBe("Success");
      expect(body).not.toHaveProperty("AccessKeyId");
      expect(body.Message).toContain("AccessDeniedException");
      expect(JSON.stringify(body)).not.toContain(PLANTED.secretAccessKey);
    });

    it("serves the refreshed credentials after a successful refresh, with a new LastUpdated", async () => {
      const t = await token();
      const path = `${CREDS_PATH}workload-reader`;
      await get(path, { "x-aws-ec2-metadata-token": t });
      clock.advance(59 * 60_000);
      const body = (await (await get(path, { "x-aws-ec2-metadata-token": t })).json()) as Record<string, string>;
      expect(body.AccessKeyId).toBe("ASIAFAKE00000002");
      expect(body.LastUpdated).toBe("2030-01-01T00:59:00Z");
    });
  });

  describe("container credentials", () => {
    const path = "/v1/credentials";

    it("returns the credentials with the account id when Authorization equals the token file", async () => {
      const response = await get(path, { authorization: "container-token-1" });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        AccessKeyId: "ASIAFAKE00000001",
        SecretAccessKey: `${PLANTED.secretAccessKey}1`,
        Token: `${PLANTED.sessionToken}1`,
        Expiration: "2030-01-01T01:00:00Z",
        AccountId: "123456789012",
      });
    });

    it("answers 401 without Authorization and 403 with another token", async () => {
      expect((await get(path)).status).toBe(401);
      const wrong = await get(path, { authorization: "container-token-2" });
      expect(wrong.status).toBe(403);
      expect(await wrong.text()).not.toContain("container-token-1");
    });

    it("honours a rotated token file", async () => {
      await writeFile(tokenFile, "container-token-2");
      expect((await get(path, { authorization: "container-token-1" })).status).toBe(403);
      expect((await get(path, { authorization: "container-token-2" })).status).toBe(200);
    });

    it("answers 500 naming the token file, not its content, once the file is rewritten with a line break; serves again once fixed", async () => {
      await writeFile(tokenFile, "container-token-2\n");
      for (const authorization of ["container-token-1", "container-token-2"]) {
        const response = await get(path, { authorization });
        expect(response.status).toBe(500);
        const body = (await response.json()) as { Code: string; Message: string };
        expect(body.Code).toBe("CONTAINER_TOKEN_FILE");
        expect(body.Message).toContain("ends with a line break");
        expect(body.Message).not.toContain("container-token-");
      }
      await writeFile(tokenFile, "container-token-2");
      expect((await get(path, { authorization: "container-token-2" })).status).toBe(200);
    });

    it("answers 500 with a JSON reason when no valid credentials exist", async () => {
      fake.fail(createSessionError(403, "AccessDeniedException", "Untrusted certificate. Insufficient certificate.", "req-789"));
      const response = await get(path, { authorization: "container-token-1" });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({
        Code: "ROLES_ANYWHERE_SERVICE_ERROR",
        Message: expect.stringContaining("AccessDeniedException (HTTP 403, request id req-789): Untrusted certificate") as string,
        RequestId: "req-789",
      });
    });

    it("refuses a foreign Host or an Origin on the container route too", async () => {
      expect((await raw("GET", path, { host: `attacker.example:${server.port}`, authorization: "container-token-1" })).status).toBe(403);
      expect((await raw("GET", path, { host: `127.0.0.1:${server.port}`, origin: "http://attacker.example", authorization: "container-token-1" })).status).toBe(403);
    });

    it("answers 405 to a POST", async () => {
      const response = await fetch(`${server.origin}${path}`, { method: "POST", headers: { authorization: "x" } });
      expect(response.status).toBe(405);
    });
  });

  it("answers 404 for any other path", async () => {
    expect((await get("/")).status).toBe(404);
    expect((await get("/v2/credentials")).status).toBe(404);
  });
});

describe(prepareContainerToken.name, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ra-token-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("writes a random token with mode 0600 when the file does not exist, once published, and removes it on dispose", async () => {
    const file = join(dir, "token");
    const token = await prepareContainerToken(file);
    expect(token.created).toBe(true);
    await expect(stat(file)).rejects.toMatchObject({ code: "ENOENT" });
    await token.publish();
    expect(await readdir(dir)).toEqual(["token"]); // no temporary file left
    const content = await readFile(file, "utf8");
    expect(content).toMatch(/^[\w-]{43}$/); // no line break: every client sends the file as it is
    expect(await token.read()).toBe(content);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await token.dispose();
    await expect(stat(file)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("rejects an empty token file with CONTAINER_TOKEN_FILE", async () => {
    const file = join(dir, "token");
    await writeFile(file, "\n");
    await expect(prepareContainerToken(file)).rejects.toMatchObject({ code: "CONTAINER_TOKEN_FILE" });
  });

  it("rejects a token file ending with a line break, saying how to write it", async () => {
    for (const content of ["given-token\n", "given-token\r\n"]) {
      const file = join(dir, "token");
      await writeFile(file, content);
      const error = (await prepareContainerToken(file).then(
        () => new Error("accepted"),
        (caught: unknown) => caught,
      )) as Error;
      expect(error).toMatchObject({ code: "CONTAINER_TOKEN_FILE" });
      expect(error.message).toContain(`${file} ends with a line break`);
      expect(error.message).toContain(`printf '%s' "$TOKEN" > ${file}`);
      expect(error.message).not.toContain("given-token");
    }
  });

  it.each([[" given-token"], ["given-token "], ["given\ntoken"], ["given\u0001token"], ["gïven-token"]])(
    "rejects a token a header value cannot carry unchanged: %j",
    async (content) => {
      const file = join(dir, "token");
      await writeFile(file, content);
      await expect(prepareContainerToken(file)).rejects.toMatchObject({ code: "CONTAINER_TOKEN_FILE" });
    },
  );

  it("refuses a re-read file with a line break until it is fixed, telling once per change; keeps the token through a brief empty file", async () => {
    const file = join(dir, "token");
    await writeFile(file, "token-1");
    const refused: string[] = [];
    let accepted = 0;
    const token = await prepareContainerToken(file, {
      onRefused: (error) => refused.push(error.code),
      onAccepted: () => (accepted += 1),
    });
    await writeFile(file, "");
    expect(await token.read()).toBe("token-1");
    await writeFile(file, "token-2\n");
    await expect(token.read()).rejects.toMatchObject({ code: "CONTAINER_TOKEN_FILE" });
    await expect(token.read()).rejects.toMatchObject({ code: "CONTAINER_TOKEN_FILE" });
    expect(refused).toEqual(["CONTAINER_TOKEN_FILE"]);
    await writeFile(file, "token-2");
    expect(await token.read()).toBe("token-2");
    expect(accepted).toBe(1);
  });

  it("rejects publishing to a path whose directory does not exist with CONTAINER_TOKEN_FILE", async () => {
    const token = await prepareContainerToken(join(dir, "missing-dir", "token"));
    await expect(token.publish()).rejects.toMatchObject({ code: "CONTAINER_TOKEN_FILE" });
  });

  it("uses an existing token file as it is, leaving it in place", async () => {
    const file = join(dir, "token");
    await writeFile(file, "given-token");
    const token = await prepareContainerToken(file);
    expect(token.created).toBe(false);
    await token.publish();
    expect(await token.read()).toBe("given-token");
    await token.dispose();
    expect(await readFile(file, "utf8")).toBe("given-token");
  });
});

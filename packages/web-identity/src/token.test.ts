import { UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { assertTokenCurrent, describeWebIdentityToken, NOT_BEFORE_LEEWAY_MS } from "./token.js";

const token = (claims: Record<string, unknown>) => new UnsecuredJWT(claims).encode();

describe(describeWebIdentityToken.name, () => {
  it("returns the claims without verifying the signature", () => {
    const claims = describeWebIdentityToken(
      token({ iss: "https://oidc.example", sub: "system:serviceaccount:a:b", aud: ["sts.amazonaws.com", "x"], exp: 2_000_000_000, nbf: 1_900_000_000, iat: 1_900_000_001 }),
    );
    expect(claims).toEqual({
      issuer: "https://oidc.example",
      subject: "system:serviceaccount:a:b",
      audience: ["sts.amazonaws.com", "x"],
      expiresAt: new Date(2_000_000_000_000),
      notBefore: new Date(1_900_000_000_000),
      issuedAt: new Date(1_900_000_001_000),
    });
  });

  it("turns a single audience into an array and leaves absent claims out", () => {
    expect(describeWebIdentityToken(token({ aud: "sts.amazonaws.com" }))).toEqual({ audience: ["sts.amazonaws.com"] });
  });

  it("rejects text that is not a JWT without echoing it", () => {
    const secret = "not-a-jwt-but-a-secret-value";
    let error: unknown;
    try {
      describeWebIdentityToken(secret);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: "WEB_IDENTITY_TOKEN_MALFORMED", tryNextLink: false });
    expect((error as Error).message).not.toContain(secret);
  });
});

describe(assertTokenCurrent.name, () => {
  const claims = { issuer: "https://i", subject: "s", audience: ["a"], expiresAt: new Date(200_000), notBefore: new Date(100_000) };

  it("accepts a token inside its validity window", () => {
    expect(() => assertTokenCurrent(claims, 150_000, "/t")).not.toThrow();
  });

  it("rejects a token whose exp is past, naming the file and its claims", () => {
    expect(() => assertTokenCurrent(claims, 200_000, "/var/run/token")).toThrowError(
      expect.objectContaining({ code: "WEB_IDENTITY_TOKEN_EXPIRED", message: expect.stringMatching(/\/var\/run\/token.*iss=https:\/\/i, sub=s, aud=a/) }),
    );
  });

  it("accepts a token whose nbf is up to a minute ahead of this clock (a freshly projected token on a lagging node)", () => {
    expect(() => assertTokenCurrent(claims, 100_000 - NOT_BEFORE_LEEWAY_MS, "/t")).not.toThrow();
    expect(NOT_BEFORE_LEEWAY_MS).toBe(60_000);
  });

  it("rejects a token whose nbf is more than a minute in the future", () => {
    expect(() => assertTokenCurrent(claims, 100_000 - NOT_BEFORE_LEEWAY_MS - 1, "/t")).toThrowError(
      expect.objectContaining({ code: "WEB_IDENTITY_TOKEN_NOT_YET_VALID" }),
    );
  });
});

import { describe, expect, it } from "vitest";
import { partitionOf, regionalEndpoint, resolveRolesAnywhereEndpoint } from "./endpoint.js";

// Expected hosts as the service's endpoint rules build them (the rules of AWS's helper's generated client):
// default rolesanywhere.R.dnsSuffix, FIPS rolesanywhere-fips.R.dnsSuffix, dual-stack rolesanywhere.R.dualStackDnsSuffix.
const partitions = [
  ["aws", "us-east-1", "amazonaws.com", "api.aws"],
  ["aws-cn", "cn-north-1", "amazonaws.com.cn", "api.amazonwebservices.com.cn"],
  ["aws-us-gov", "us-gov-west-1", "amazonaws.com", "api.aws"],
  ["aws-iso", "us-iso-east-1", "c2s.ic.gov", "api.aws.ic.gov"],
] as const;

const variants = [
  { fips: false, dualStack: false, service: "rolesanywhere", dual: false },
  { fips: true, dualStack: false, service: "rolesanywhere-fips", dual: false },
  { fips: false, dualStack: true, service: "rolesanywhere", dual: true },
  { fips: true, dualStack: true, service: "rolesanywhere-fips", dual: true },
] as const;

const table = partitions.flatMap(([name, region, suffix, dualSuffix]) =>
  variants.map((v) => ({
    name,
    region,
    fips: v.fips,
    dualStack: v.dualStack,
    expected: `https://${v.service}.${region}.${v.dual ? dualSuffix : suffix}`,
  })),
);

describe(resolveRolesAnywhereEndpoint.name, () => {
  it.each(table)("$name $region fips=$fips dual-stack=$dualStack → $expected (options)", (row) => {
    const resolved = resolveRolesAnywhereEndpoint(
      { region: row.region, useFipsEndpoint: row.fips, useDualstackEndpoint: row.dualStack },
      {},
    );
    expect(resolved).toEqual({ url: row.expected, source: "partition", partition: row.name, fips: row.fips, dualStack: row.dualStack });
  });

  it.each(table)("$name $region fips=$fips dual-stack=$dualStack → $expected (environment)", (row) => {
    const env = { AWS_USE_FIPS_ENDPOINT: String(row.fips), AWS_USE_DUALSTACK_ENDPOINT: String(row.dualStack) };
    expect(resolveRolesAnywhereEndpoint({ region: row.region }, env).url).toBe(row.expected);
  });

  it("lets the options beat the variables, both ways", () => {
    const env = { AWS_USE_FIPS_ENDPOINT: "true", AWS_USE_DUALSTACK_ENDPOINT: "false" };
    expect(resolveRolesAnywhereEndpoint({ region: "us-east-1", useFipsEndpoint: false, useDualstackEndpoint: true }, env).url).toBe(
      "https://rolesanywhere.us-east-1.api.aws",
    );
  });

  it.each<[string, { endpoint?: string }, { a?: string; g?: string }, string, string]>([
    ["endpoint option over both variables", { endpoint: "https://vpce.example.test" }, { a: "http://a.test", g: "http://g.test" }, "https://vpce.example.test", "endpoint"],
    ["AWS_ENDPOINT_URL_ROLESANYWHERE over AWS_ENDPOINT_URL", {}, { a: "http://a.test", g: "http://g.test" }, "http://a.test", "AWS_ENDPOINT_URL_ROLESANYWHERE"],
    ["AWS_ENDPOINT_URL alone", {}, { g: "http://g.test" }, "http://g.test", "AWS_ENDPOINT_URL"],
    ["a blank service variable falls through to the global one", {}, { a: "  ", g: "http://g.test" }, "http://g.test", "AWS_ENDPOINT_URL"],
  ])("takes the %s, FIPS and dual-stack on or not", (_, settings, vars, url, source) => {
    const env = {
      AWS_USE_FIPS_ENDPOINT: "true",
      AWS_USE_DUALSTACK_ENDPOINT: "true",
      ...(vars.a === undefined ? {} : { AWS_ENDPOINT_URL_ROLESANYWHERE: vars.a }),
      ...(vars.g === undefined ? {} : { AWS_ENDPOINT_URL: vars.g }),
    };
    expect(resolveRolesAnywhereEndpoint({ region: "us-gov-west-1", ...settings }, env)).toMatchObject({ url, source, fips: true, dualStack: true });
  });

  it("ignores both endpoint variables under AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true, not the option", () => {
    const env = { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true", AWS_ENDPOINT_URL_ROLESANYWHERE: "http://a.test", AWS_ENDPOINT_URL: "http://g.test" };
    expect(resolveRolesAnywhereEndpoint({ region: "cn-north-1" }, env).url).toBe("https://rolesanywhere.cn-north-1.amazonaws.com.cn");
    expect(resolveRolesAnywhereEndpoint({ region: "cn-north-1", endpoint: "http://o.test" }, env).url).toBe("http://o.test");
  });

  it.each(["AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"])(
    "refuses %s=yes with ROLES_ANYWHERE_INVALID_OPTION naming it, as the SDK refuses it",
    (name) => {
      expect(() => resolveRolesAnywhereEndpoint({ region: "us-east-1" }, { [name]: "yes" })).toThrow(
        expect.objectContaining({ code: "ROLES_ANYWHERE_INVALID_OPTION", option: name, message: expect.stringContaining(`${name} must be "true" or "false"`) }),
      );
    },
  );

  it("refuses a malformed AWS_ENDPOINT_URL naming it", () => {
    expect(() => resolveRolesAnywhereEndpoint({ region: "us-east-1" }, { AWS_ENDPOINT_URL: "localhost:8443" })).toThrow(
      expect.objectContaining({ code: "ROLES_ANYWHERE_INVALID_OPTION", option: "AWS_ENDPOINT_URL" }),
    );
  });
});

describe(regionalEndpoint.name, () => {
  const noVariants = { ...partitionOf("us-iso-east-1"), name: "aws-test", supportsFIPS: false, supportsDualStack: false };

  it.each([
    [{ fips: true, dualStack: false }, "useFipsEndpoint", "has no FIPS endpoint"],
    [{ fips: false, dualStack: true }, "useDualstackEndpoint", "has no dual-stack endpoint"],
    [{ fips: true, dualStack: true }, "useFipsEndpoint", "has no FIPS or dual-stack endpoint"],
  ])("refuses %o in a partition without it: ROLES_ANYWHERE_ENDPOINT_UNSUPPORTED", (variant, option, text) => {
    expect(() => regionalEndpoint("xx-test-1", noVariants, variant)).toThrow(
      expect.objectContaining({ code: "ROLES_ANYWHERE_ENDPOINT_UNSUPPORTED", option, message: expect.stringContaining(`aws-test partition (region xx-test-1) ${text}`) }),
    );
    expect(regionalEndpoint("xx-test-1", noVariants, { fips: false, dualStack: false })).toBe("https://rolesanywhere.xx-test-1.c2s.ic.gov");
  });

  it("answers through the lookup given, so resolveRolesAnywhereEndpoint reports the partition's limits", () => {
    expect(() => resolveRolesAnywhereEndpoint({ region: "xx-test-1" }, { AWS_USE_FIPS_ENDPOINT: "true" }, () => noVariants)).toThrow(
      expect.objectContaining({ code: "ROLES_ANYWHERE_ENDPOINT_UNSUPPORTED" }),
    );
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { radosgwUnavailableReason, startRadosgw } from "./radosgw.js";
import { xmlText } from "./radosgw-requests.js";

describe(radosgwUnavailableReason.name, () => {
  afterEach(() => vi.unstubAllEnvs());

  it("names every missing Ceph binary when none is on the PATH", () => {
    vi.stubEnv("PATH", "/nonexistent");
    expect(radosgwUnavailableReason()).toBe(
      "radosgw not installed (missing: ceph, ceph-mon, ceph-osd, monmaptool, radosgw, radosgw-admin)",
    );
  });

  it("makes startRadosgw resolve undefined instead of failing", async () => {
    vi.stubEnv("PATH", "");
    await expect(startRadosgw()).resolves.toBeUndefined();
  });
});

describe(xmlText.name, () => {
  it("returns the first element's text with entities decoded", () => {
    const xml = "<R><Arn>arn:aws:iam:::role/a&amp;b</Arn><Arn>second</Arn></R>";
    expect(xmlText(xml, "Arn")).toBe("arn:aws:iam:::role/a&b");
  });

  it("returns undefined when the element is absent", () => {
    expect(xmlText("<Error><Code>AccessDenied</Code></Error>", "Arn")).toBeUndefined();
  });
});

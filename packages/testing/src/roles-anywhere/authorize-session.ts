import type { X509Certificate } from "node:crypto";
import { denied } from "./service-error.js";
import type { EmulatedProfile } from "./types.js";
import type { SessionRequest } from "./validate-request.js";

/** The trust anchors (by ARN, their CA parsed) and profiles the emulator knows. */
export interface RolesAnywhereDirectory {
  readonly anchors: ReadonlyMap<string, X509Certificate>;
  readonly profiles: ReadonlyMap<string, EmulatedProfile>;
}

/**
 * A known trust anchor in the signed region, a known profile, and a role the profile allows; returns the anchor's CA
 * for the chain check. Throws AccessDeniedException.
 */
export function authorizeSession(session: SessionRequest, scopeRegion: string, directory: RolesAnywhereDirectory): X509Certificate {
  const { trustAnchorArn, profileArn, roleArn } = session;
  const ca = directory.anchors.get(trustAnchorArn);
  if (ca === undefined) throw denied(`Unknown trust anchor ${trustAnchorArn}.`);
  if (trustAnchorArn.split(":")[3] !== scopeRegion) throw denied(`The credential scope's region ${scopeRegion} is not the trust anchor's.`);
  const profile = directory.profiles.get(profileArn);
  if (profile === undefined) throw denied(`Unknown profile ${profileArn}.`);
  if (!profile.roleArns.includes(roleArn)) throw denied(`The profile does not allow role ${roleArn}.`);
  return ca;
}

import type { X509Certificate } from "node:crypto";
import { denied } from "./service-error.js";

const MAX_CHAIN_DEPTH = 5;

/** The signer's certificate chains, through the intermediates it sent, to the trust anchor's CA, all valid now. */
export function authenticateChain(leaf: X509Certificate, chain: readonly X509Certificate[], ca: X509Certificate, nowMs: number): void {
  const untrusted = whyUntrusted(leaf, chain, ca, nowMs);
  if (untrusted !== undefined) throw denied(`Untrusted certificate. ${untrusted}`);
}

/** Walks leaf → intermediates → the trust anchor's CA; returns why it fails, or undefined when trusted. */
function whyUntrusted(leaf: X509Certificate, chain: readonly X509Certificate[], ca: X509Certificate, nowMs: number): string | undefined {
  let current = leaf;
  for (let depth = 0; depth <= MAX_CHAIN_DEPTH; depth += 1) {
    const validity = checkDates(current, nowMs);
    if (validity !== undefined) return validity;
    if (current.checkIssued(ca) && current.verify(ca.publicKey)) return checkDates(ca, nowMs);
    const issuer = chain.find((candidate) => candidate.ca && current.checkIssued(candidate) && current.verify(candidate.publicKey));
    if (issuer === undefined) {
      return `No path from ${current.subject.split("\n").join(", ")} to the trust anchor's CA through the given chain.`;
    }
    current = issuer;
  }
  return "The certificate chain is too long.";
}

function checkDates(certificate: X509Certificate, nowMs: number): string | undefined {
  if (nowMs < new Date(certificate.validFrom).getTime()) return `A certificate of the chain is not valid before ${certificate.validFrom}.`;
  if (nowMs > new Date(certificate.validTo).getTime()) return `A certificate of the chain expired at ${certificate.validTo}.`;
  return undefined;
}

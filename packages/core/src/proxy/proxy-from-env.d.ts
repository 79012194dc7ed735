// proxy-from-env ships no types; this is the one function used.
declare module "proxy-from-env" {
  /** The proxy URL for `url` from *_PROXY / ALL_PROXY, or "" when NO_PROXY matches or none is set. */
  export function getProxyForUrl(url: string): string;
}

/** The `--help` text. Flag names are those of AWS's `aws_signing_helper`, plus this CLI's own additions. */
export const USAGE = `Usage: roles-anywhere <command> [flags]

Commands:
  credential-process   print credentials in the credential_process format (Version 1) and exit
  serve                serve credentials on 127.0.0.1 as IMDSv2 and as a container-credentials endpoint

Flags of both commands:
  --certificate FILE                  leaf certificate, PEM or DER; or a PEM holding it and its key; or a
                                      PKCS#12 bundle (.p12/.pfx) holding the key and chain (required)
  --private-key FILE                  its private key: PKCS#8, PKCS#1 or SEC1, PEM or DER (required unless
                                      --certificate holds the key)
  --intermediates FILE                intermediate certificates, PEM bundle (not with a PKCS#12 bundle)
  --private-key-passphrase-file FILE  file holding the passphrase of an encrypted PKCS#8 key, or the
                                      password of a PKCS#12 bundle
  --trust-anchor-arn ARN              (required)
  --profile-arn ARN                   (required)
  --role-arn ARN                      (required)
  --region REGION                     default: the trust anchor ARN's region
  --session-duration SECONDS          900-43200, default 3600
  --endpoint URL                      CreateSession endpoint (default: rolesanywhere.REGION.amazonaws.com)
  --role-session-name NAME
  --timeout-ms MS                     how long one CreateSession may take, default 10000
  --with-proxy                        send CreateSession through HTTPS_PROXY / HTTP_PROXY, except hosts in
                                      NO_PROXY (without it, the proxy variables are ignored)
  --debug                             also print debug log lines

credential-process:
  --cache                             reuse credentials from a 0600 file in the user's cache directory
                                      until their refresh window

serve:
  --port PORT                         default 9911; 0 picks a free port
  --container-token-file FILE         enable GET /v1/credentials, authorized by the token in FILE
                                      (written with a random token, mode 0600, when FILE does not exist)
`;

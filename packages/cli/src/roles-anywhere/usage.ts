/** The `--help` text. Flag names are those of AWS's `aws_signing_helper`, plus this CLI's own additions. */
export const USAGE = `Usage: roles-anywhere <command> [flags]

Commands:
  credential-process     print credentials in the credential_process format (Version 1) and exit
  serve                  serve credentials on 127.0.0.1 as IMDSv2 and as a container-credentials endpoint
  update                 keep a profile of the shared credentials file fresh (5 minutes before expiry)
  read-certificate-data  print a certificate's details as JSON (serial, subject, issuer, validity...)
  version                print the version

Flags of credential-process, serve and update:
  --certificate FILE|URI              leaf certificate, PEM or DER; or a PEM holding it and its key; or a
                                      PKCS#12 bundle (.p12/.pfx) holding the key and chain; or a PKCS#11 URI
                                      (required, except with a PKCS#11 --private-key: then the token's
                                      certificate with the key's id is used)
  --private-key FILE|URI              its private key: PKCS#8, PKCS#1 or SEC1, PEM or DER, or a PKCS#11 URI
                                      such as pkcs11:token=T;object=K;type=private (required unless
                                      --certificate holds the key)
  --intermediates FILE                intermediate certificates, PEM bundle (not with a PKCS#12 bundle)
  --private-key-passphrase-file FILE  file holding the passphrase of an encrypted PKCS#8 key, or the
                                      password of a PKCS#12 bundle
  --trust-anchor-arn ARN              (required)
  --profile-arn ARN                   (required)
  --role-arn ARN                      (required)
  --region REGION                     default: the trust anchor ARN's region
  --session-duration SECONDS          900-43200, default 3600
  --endpoint URL                      CreateSession endpoint (default: AWS_ENDPOINT_URL_ROLESANYWHERE, then
                                      AWS_ENDPOINT_URL, then rolesanywhere[-fips].REGION.<partition suffix>,
                                      FIPS / dual-stack per AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT)
  --role-session-name NAME
  --timeout-ms MS                     how long one CreateSession may take, default 10000; also bounds
                                      each visit to a PKCS#11 token
  --pkcs11-lib FILE                   PKCS#11 module of the token (default: p11-kit-proxy.so); the
                                      URI's module-path wins
  --pkcs11-pin-file FILE              file holding the token's user PIN, else AWS_ROLES_ANYWHERE_PKCS11_PIN
                                      (the URI's pin-value or pin-source win over both); a PIN is never a
                                      flag's value, which ps would show
  --reuse-pin                         for a key that asks for its PIN before every signature
                                      (CKA_ALWAYS_AUTHENTICATE), log in again with the user PIN; without
                                      it such a key is refused, since nothing can prompt for a PIN here
  --with-proxy                        send CreateSession through HTTPS_PROXY / HTTP_PROXY, except hosts in
                                      NO_PROXY (without it, the proxy variables are ignored)
  --debug                             also print debug log lines: endpoint, certificate serial, signing
                                      algorithm, request ids, timings (never a key, PIN, passphrase or
                                      credential)

credential-process:
  --cache                             reuse credentials from a 0600 file in the user's cache directory
                                      until their refresh window

serve:
  --port PORT                         default 9911; 0 picks a free port
  --container-token-file FILE         enable GET /v1/credentials, authorized by the token in FILE
                                      (written with a random token, mode 0600, when FILE does not exist)

update:
  --profile NAME                      the profile to write in AWS_SHARED_CREDENTIALS_FILE, else
                                      ~/.aws/credentials (default: default); other profiles and comments are kept
  --once                              write once and exit

read-certificate-data:
  --certificate FILE                  the certificate, PEM or DER (required); its key is never read
`;

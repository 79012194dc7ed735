import { WorkloadIdentityError } from "@workload-identity/core";

/** radosgw (or one of the Ceph daemons under it) did not come up. */
export class RadosgwStartError extends WorkloadIdentityError {
  constructor(step: string, detail: string, cause?: unknown) {
    super(
      "RADOSGW_START_FAILED",
      `Starting the local Ceph radosgw failed at "${step}": ${detail}. ` +
        "Check that radosgw, ceph-mon and ceph-osd are installed (scripts/setup.sh installs them) and read the daemon logs " +
        "named here.",
      cause === undefined ? {} : { cause },
    );
  }
}

/** radosgw answered an IAM or S3 request with an error status. */
export class RadosgwRequestError extends WorkloadIdentityError {
  /** The HTTP status radosgw answered with. */
  readonly httpStatusCode: number;
  /** The `<Code>` of radosgw's error XML, when it sent one. */
  readonly errorCode: string | undefined;

  constructor(action: string, httpStatusCode: number, errorCode: string | undefined) {
    super(
      "RADOSGW_REQUEST_FAILED",
      `radosgw answered ${action} with HTTP ${httpStatusCode}${errorCode === undefined ? "" : ` (${errorCode})`}. ` +
        "Check the request's parameters and that the signing user has the needed caps.",
    );
    this.httpStatusCode = httpStatusCode;
    this.errorCode = errorCode;
  }
}

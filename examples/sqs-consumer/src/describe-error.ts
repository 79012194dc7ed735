/** An error's name, code and message — never its other fields (which may hold request details). */
export function describeError(error: unknown): { name: string; code?: string; message: string } {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  // sqs-consumer wraps SDK errors in its SQSError and keeps the original as `cause`.
  const cause = error.name === "SQSError" && error.cause instanceof Error ? error.cause : undefined;
  const code = (cause ?? error) as { code?: unknown };
  return {
    name: (cause ?? error).name,
    ...(typeof code.code === "string" ? { code: code.code } : {}),
    message: error.message,
  };
}

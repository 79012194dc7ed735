/**
 * The variables that carry libfaketime's clock (`faketime '+400 days' pnpm test` sets them) into a child process.
 * A test that starts a child with a clean environment passes these on, so the child shares the run's clock.
 */
const CLOCK_VARIABLES = /^(?:LD_PRELOAD|FAKETIME\w*|DONT_FAKE_MONOTONIC|NO_FAKE_STAT)$/;

/**
 * A clean environment for a child process: `PATH`, the run's libfaketime clock if any, and `extra`. Nothing else
 * from the developer's shell (no AWS variable) leaks in.
 */
export function childProcessEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const inherited = Object.entries(process.env).filter(
    (entry): entry is [string, string] => CLOCK_VARIABLES.test(entry[0]) && entry[1] !== undefined,
  );
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", ...Object.fromEntries(inherited), ...extra };
}

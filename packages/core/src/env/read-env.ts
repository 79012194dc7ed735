/** A read-only view of the environment, so that deciding from it is a pure function. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads a variable at call time. One rule for every package: unset, empty and whitespace-only all count as unset
 * (a blank value left by a template is not a configuration). Any other value is returned exactly as it is, so a stray
 * newline is reported by whoever checks the value, naming the variable, rather than silently fixed.
 */
export function readEnv(name: string, env: Environment = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

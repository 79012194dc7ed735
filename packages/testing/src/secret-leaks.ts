import { inspect } from "node:util";

/**
 * Every way a value is commonly turned into text: for an error its `message`, `stack`, `String(error)`,
 * `JSON.stringify(error)` and `util.inspect(error, { showHidden: true, depth: null })` (which shows hidden properties
 * such as the SDK's `$response`, and the whole `cause` chain); for anything else `String`, JSON and the same inspect.
 */
export function renderings(value: unknown): string[] {
  const texts = [String(value), inspect(value, { showHidden: true, depth: null }), safeJson(value)];
  if (value instanceof Error) texts.push(value.message, value.stack ?? "");
  return texts;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "";
  }
}

/**
 * The planted secrets (at least `minLength` long) found in any rendering of any of `values`, as readable lines
 * ("secret #2 in rendering 1 of value 0: …"); empty when nothing leaked. Tests assert `toEqual([])`.
 */
export function findSecretLeaks(values: readonly unknown[], secrets: readonly string[], minLength = 8): string[] {
  const planted = secrets.filter((secret) => secret.length >= minLength);
  const leaks: string[] = [];
  values.forEach((value, valueIndex) => {
    renderings(value).forEach((text, renderingIndex) => {
      planted.forEach((secret, secretIndex) => {
        const at = text.indexOf(secret);
        if (at >= 0) {
          leaks.push(
            `secret #${secretIndex} in rendering ${renderingIndex} of value ${valueIndex}: …${text.slice(Math.max(0, at - 60), at)}<SECRET>…`,
          );
        }
      });
    });
  });
  return leaks;
}

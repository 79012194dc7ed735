/** The bodies of the fenced code blocks of a Markdown text whose info string is `lang`. */
export function fencedBlocks(markdown: string, lang: string): string[] {
  const blocks: string[] = [];
  const pattern = new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```", "gm");
  for (const match of markdown.matchAll(pattern)) blocks.push(match[1] ?? "");
  return blocks;
}

/**
 * The simple commands of a shell script, roughly as the shell splits them: continuation lines joined, comments
 * dropped, and split at `|`, `||`, `&&`, `;` and `$(` outside quotes (so the `aws` inside `X=$(aws …)` is a command
 * of its own). Heredoc bodies are left out. Good enough to check which flags a documented command passes.
 */
export function shellCommands(script: string): string[] {
  const lines = script.replace(/\\\n\s*/g, " ").split("\n");
  const commands: string[] = [];
  let heredocEnd: string | undefined;
  for (const line of lines) {
    if (heredocEnd !== undefined) {
      if (line.trim() === heredocEnd) heredocEnd = undefined;
      continue;
    }
    const heredoc = /<<-?\s*['"]?(\w+)['"]?/.exec(line);
    if (heredoc !== null) heredocEnd = heredoc[1];
    let current = "";
    let quote: string | undefined;
    for (let i = 0; i < line.length; i += 1) {
      const char = line[i] ?? "";
      if (quote !== undefined) {
        if (char === quote) quote = undefined;
        current += char;
        continue;
      }
      if (char === "'" || char === '"') {
        quote = char;
        current += char;
        continue;
      }
      if (char === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) break;
      const two = line.slice(i, i + 2);
      if (two === "&&" || two === "||" || two === "$(") {
        commands.push(current);
        current = "";
        i += 1;
        continue;
      }
      if (char === "|" || char === ";") {
        commands.push(current);
        current = "";
        continue;
      }
      current += char;
    }
    commands.push(current);
  }
  return commands.map((c) => c.trim().replace(/\)+$/, "").trim()).filter((c) => c !== "" && c !== "}" && c !== "{");
}

/** A command's words, quotes removed (no expansion). */
export function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

/** The value of `--flag VALUE`, `--flag=VALUE` or `-f VALUE` in a command's words. */
export function flagValue(list: readonly string[], ...names: string[]): string | undefined {
  for (let i = 0; i < list.length; i += 1) {
    const word = list[i] ?? "";
    for (const name of names) {
      if (word === name) return list[i + 1];
      if (word.startsWith(`${name}=`)) return word.slice(name.length + 1);
    }
  }
  return undefined;
}

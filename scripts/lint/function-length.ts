// `pnpm lint:functions`: lists every function longer than 60 lines outside tests, unless a comment right above it
// says why (a line starting with `// Long:`). Functions that long hide more than one job; the comment makes keeping
// one a decision. Exits 1 when it lists any.
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import ts from "typescript";

const MAX_LINES = 60;
const REASON = /\/\/ Long: /;

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts"], { encoding: "utf8" })
  .split("\n")
  .filter((file) => file !== "" && !/\.test\.ts$|\/test\/|\.d\.ts$/.test(file));

const findings: string[] = [];
for (const file of files) {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const length = end - start + 1;
      const leading = text.slice(Math.max(0, node.getFullStart()), node.getStart());
      const statement = node.parent !== undefined && ts.isVariableDeclaration(node.parent) ? node.parent.parent.parent : node;
      const statementLeading = text.slice(Math.max(0, statement.getFullStart()), statement.getStart());
      if (length > MAX_LINES && !REASON.test(leading) && !REASON.test(statementLeading)) {
        const name = (node as { name?: ts.Node }).name?.getText(source) ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText(source) : "(anonymous)");
        findings.push(`${file}:${start + 1} ${name}: ${length} lines`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
for (const finding of findings) console.log(finding);
console.log(`${findings.length} function(s) over ${MAX_LINES} lines without a "// Long:" reason`);
process.exit(findings.length === 0 ? 0 : 1);

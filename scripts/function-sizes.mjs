// Lists the longest functions under src/ (lines from the declaration to its closing brace), so a
// review can see at a glance where the code needs splitting. Usage: node scripts/function-sizes.mjs [N]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const limit = Number(process.argv[2] ?? 15);

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.tsx?$/.test(name)) yield path;
  }
}

const sizes = [];
for (const file of sourceFiles(join(root, 'src'))) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const variable = ts.isVariableDeclaration(node.parent) ? node.parent.name.getText() : '(anonymous)';
      const name = node.name?.getText() ?? variable;
      sizes.push({ lines: end - start + 1, where: `${relative(root, file)}:${start + 1}`, name });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
sizes.sort((a, b) => b.lines - a.lines);
for (const s of sizes.slice(0, limit)) console.log(`${String(s.lines).padStart(5)}  ${s.name}  ${s.where}`);

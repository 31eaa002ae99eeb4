/**
 * STYLE 9: SQL stays inside src-main/journal/. Parses every other main-process file with the
 * TypeScript compiler (so comments and regular expressions are not mistaken for SQL) and fails on
 * a statement prepared, executed or a pragma set there, on a string that starts like SQL, and on
 * opening the database driver directly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../../../..');
const MAIN = join(ROOT, 'src-main');
const JOURNAL = join(MAIN, 'journal') + sep;

/** Methods of better-sqlite3's Database that run SQL text. */
const SQL_METHODS = new Set(['prepare', 'exec', 'pragma']);
/** A string literal that starts like a statement (case-insensitive). */
const SQL_START = /^\s*(select|insert|update|delete|create|pragma|with)\s/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `/re/.exec(text)` and `new RegExp(…).exec(text)` match text; they are not SQL. */
function isRegExp(node: ts.Expression): boolean {
  const inner = ts.isParenthesizedExpression(node) ? node.expression : node;
  return ts.isRegularExpressionLiteral(inner) || (ts.isNewExpression(inner) && inner.expression.getText() === 'RegExp');
}

/** Where a file holds SQL outside the journal: `file:line: what`. */
function sqlOutsideJournal(path: string, text: string): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const report = (node: ts.Node, what: string) => {
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    found.push(`${relative(ROOT, path)}:${line}: ${what}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const matchesText = method === 'exec' && isRegExp(node.expression.expression);
      if (SQL_METHODS.has(method) && !matchesText) report(node, `.${method}(…)`);
    }
    const literal =
      ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)
        ? node.text
        : ts.isTemplateExpression(node)
          ? node.head.text
          : null;
    if (literal !== null && SQL_START.test(literal)) report(node, `SQL text "${literal.trim().slice(0, 40)}"`);
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      node.moduleSpecifier.text === 'better-sqlite3'
    ) {
      report(node, 'imports better-sqlite3');
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('SQL stays inside src-main/journal/', () => {
  it('no main-process file outside journal/ prepares, executes or holds SQL', () => {
    const outside = sourceFiles(MAIN).filter((path) => !path.startsWith(JOURNAL));
    expect(outside.length).toBeGreaterThan(50);
    const found = outside.flatMap((path) => sqlOutsideJournal(path, readFileSync(path, 'utf8')));
    expect(found, 'move these into a repository in src-main/journal/ (see its README)').toEqual([]);
  });

  it('recognises SQL however it is written, and leaves regular expressions and comments alone', () => {
    const probe = join(MAIN, 'probe.ts');
    const lines = (text: string) => sqlOutsideJournal(probe, text).map((hit) => hit.replace(/^.*?:(\d+): /, '$1: '));
    expect(
      lines(
        [
          "db.prepare('SELECT 1').get();",
          'deps.db.exec(sql);',
          "db.pragma('journal_mode = WAL');",
          'const q = `  insert into audit (seq) VALUES (${seq})`;',
          'const text = "DELETE\\tFROM x";',
          "import Database from 'better-sqlite3';",
        ].join('\n'),
      ),
    ).toEqual([
      '1: .prepare(…)',
      '1: SQL text "SELECT 1"',
      '2: .exec(…)',
      '3: .pragma(…)',
      '4: SQL text "insert into audit (seq) VALUES ("',
      '5: SQL text "DELETE\tFROM x"',
      '6: imports better-sqlite3',
    ]);
    expect(
      lines(
        [
          '/^\\d+/.exec(rule.pattern);',
          "new RegExp('a+').exec(text);",
          '// SELECT * FROM orders in a comment',
          "const hint = 'Selected: 2';",
        ].join('\n'),
      ),
    ).toEqual([]);
  });
});

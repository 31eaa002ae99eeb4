/**
 * Each runtime is held to itself twice (STYLE.md 5, issue 13): its own tsconfig gives it only the
 * types it has at run time, and the lint forbids what it must not import or touch. These probes
 * write the forbidden thing into each folder and check both guards refuse it, and that the
 * allowed thing beside it still passes (a guard that refuses everything proves nothing).
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '../../..');

/** Type errors of one probe file compiled under a runtime's tsconfig (the file is never written to disk). */
function typeErrors(config: string, probePath: string, source: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(root, config),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (!parsed) throw new Error(`${config} did not parse`);
  const file = join(root, probePath);
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram({ rootNames: [file], options: parsed.options, host });
  const probe = program.getSourceFile(file)!;
  return [...program.getSemanticDiagnostics(probe), ...program.getSyntacticDiagnostics(probe)].map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, ' '),
  );
}

describe('each runtime has only its own types (tsconfig.shared / node / web)', () => {
  const cases: { config: string; probe: string; forbidden: string[] }[] = [
    {
      config: 'tsconfig.shared.json',
      probe: 'src-shared/layering-probe.ts',
      forbidden: ['window.name', 'document.title', 'process.env.X', 'Buffer.from("a")', 'localStorage.length'],
    },
    {
      config: 'tsconfig.web.json',
      probe: 'src-renderer/layering-probe.ts',
      forbidden: ['process.env.X', 'Buffer.from("a")', 'require("fs")', '__dirname', 'setImmediate(() => 0)'],
    },
    {
      config: 'tsconfig.node.json',
      probe: 'src-main/layering-probe.ts',
      forbidden: ['window.name', 'document.title', 'localStorage.length', 'navigator.userAgent'],
    },
  ];
  for (const { config, probe, forbidden } of cases) {
    it(`${config} compiles plain code in ${probe.split('/')[0]}`, () => {
      expect(typeErrors(config, probe, 'export const total: number = [1, 2].reduce((a, b) => a + b, 0);\n')).toEqual(
        [],
      );
    });
    for (const expression of forbidden) {
      it(`${config} refuses ${expression} in ${probe.split('/')[0]}`, () => {
        const errors = typeErrors(config, probe, `export const probe = ${expression};\n`);
        expect(errors.join('\n')).toMatch(/Cannot find name/);
      });
    }
  }
  it('main still has Node and the renderer still has the DOM (the configs are not simply empty)', () => {
    expect(
      typeErrors(
        'tsconfig.node.json',
        'src-main/layering-probe.ts',
        'export const dir = process.cwd() + Buffer.from("a").length;\n',
      ),
    ).toEqual([]);
    expect(
      typeErrors(
        'tsconfig.web.json',
        'src-renderer/layering-probe.ts',
        'export const title = document.title + window.name;\n',
      ),
    ).toEqual([]);
  });
});

describe('each runtime imports and touches only what it has (eslint.config.mjs)', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: root });
  });
  /** The rule ids and messages the lint reports for a probe at that path. */
  const lint = async (path: string, source: string): Promise<string[]> => {
    const [result] = await eslint.lintText(source, { filePath: join(root, path) });
    return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
  };

  /** Probes importing each module into a file at `path` (and using it, so the import is not unused). */
  const importsIn = (path: string, imports: string[]) =>
    imports.map((line) => ({
      path,
      source: `${line}\nexport const used = [${line.match(/import (?:\{ )?(?:\w+ as )?(\w+)/)![1]}];\n`,
      rule: 'no-restricted-imports',
    }));

  const refused: { path: string; source: string; rule: string }[] = [
    ...importsIn('src-shared/layering-probe.ts', [
      "import fs from 'node:fs';",
      "import dns from 'dns';",
      "import { setTimeout as wait } from 'timers/promises';",
      "import { readFile } from 'fs/promises';",
      "import { app } from 'electron';",
      "import React from 'react';",
      "import { createCore } from '../src-main/core';",
      "import { App } from '../src-renderer/app';",
    ]),
    ...importsIn('src-renderer/layering-probe.ts', [
      "import fs from 'node:fs';",
      "import dns from 'dns';",
      "import { setTimeout as wait } from 'timers/promises';",
      "import { ipcRenderer } from 'electron';",
      "import { createCore } from '../src-main/core';",
    ]),
    ...importsIn('src-main/sales/layering-probe.ts', [
      "import { app } from 'electron';",
      "import React from 'react';",
      "import { create } from 'zustand';",
      "import { App } from '../src-renderer/app';",
    ]),
    ...importsIn('src-preload/layering-probe.ts', [
      "import fs from 'node:fs';",
      "import dns from 'dns';",
      "import { createCore } from '../src-main/core';",
    ]),
    { path: 'src-shared/layering-probe.ts', source: 'export const a = window.name;\n', rule: 'no-restricted-globals' },
    {
      path: 'src-shared/layering-probe.ts',
      source: 'export const a = process.env.X;\n',
      rule: 'no-restricted-globals',
    },
    { path: 'src-shared/layering-probe.ts', source: "export const a = fetch('/x');\n", rule: 'no-restricted-globals' },
    {
      path: 'src-renderer/layering-probe.ts',
      source: 'export const a = process.env.X;\n',
      rule: 'no-restricted-globals',
    },
    {
      path: 'src-renderer/layering-probe.tsx',
      source: "export const a = Buffer.from('a');\n",
      rule: 'no-restricted-globals',
    },
    {
      path: 'src-main/sales/layering-probe.ts',
      source: 'export const a = document.title;\n',
      rule: 'no-restricted-globals',
    },
    {
      path: 'src-main/shell/electron/layering-probe.ts',
      source: 'export const a = window.name;\n',
      rule: 'no-restricted-globals',
    },
    {
      path: 'src-preload/layering-probe.ts',
      source: "export const a = Buffer.from('a');\n",
      rule: 'no-restricted-globals',
    },
  ];
  for (const { path, source, rule } of refused) {
    it(`refuses in ${path.split('/').slice(0, -1).join('/')}: ${source.split('\n')[0]}`, async () => {
      expect((await lint(path, source)).some((m) => m.startsWith(`${rule}:`))).toBe(true);
    });
  }

  const allowed: { path: string; source: string }[] = [
    {
      path: 'src-shared/layering-probe.ts',
      source: "import { z } from 'zod';\nimport { orderSchema } from './domain';\nexport const a = [z, orderSchema];\n",
    },
    {
      path: 'src-renderer/layering-probe.ts',
      source:
        "import { create } from 'zustand';\nimport { orderSchema } from '../src-shared/domain';\nexport const a = [create, orderSchema, window.name];\n",
    },
    {
      path: 'src-main/sales/layering-probe.ts',
      source:
        "import { join } from 'node:path';\nimport type { OrderView } from '../../src-shared/domain';\nexport const a: [unknown, OrderView?] = [join, process.env.X];\n",
    },
    {
      path: 'src-main/shell/electron/layering-probe.ts',
      source: "import { app } from 'electron';\nexport const a = app;\n",
    },
    {
      path: 'src-preload/layering-probe.ts',
      source:
        "import { contextBridge } from 'electron';\nimport { CHANNEL_NAMES } from '../src-shared/contract';\nexport const a = [contextBridge, CHANNEL_NAMES];\n",
    },
    // A type crosses runtimes freely: it leaves nothing behind at run time.
    {
      path: 'src-renderer/layering-probe.ts',
      source: "import type { Core } from '../src-main/core';\nexport type A = Core;\n",
    },
  ];
  for (const { path, source } of allowed) {
    it(`allows in ${path.split('/').slice(0, -1).join('/')}: ${source.split('\n')[0]}`, async () => {
      expect(await lint(path, source)).toEqual([]);
    });
  }
});

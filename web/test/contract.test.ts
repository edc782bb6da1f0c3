// @vitest-environment node
// The hand-written types of src/results.ts against the Go code: go-contract.json is written
// by the Go test TestWebContract (internal/advancement) from the result structs, issue codes,
// phases and statuses. Every Go field must be a property of its TypeScript interface, and the
// kind, phase and status lists must be the same.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { JOB_STATUSES, PHASES, WARNING_KINDS } from '../src/results';
import contract from './fixtures/go-contract.json';

function interfaces(file: string): Map<string, string[]> {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out = new Map<string, string[]>();
  src.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) {
      out.set(
        node.name.text,
        node.members.filter(ts.isPropertySignature).map((m) => m.name.getText(src)),
      );
    }
  });
  return out;
}

describe('results.ts covers the Go result types', () => {
  const ts = interfaces('src/results.ts');
  for (const [name, fields] of Object.entries(contract.interfaces)) {
    it(`${name} has every JSON field of its Go struct`, () => {
      const props = ts.get(name);
      expect(props, `interface ${name} is missing from src/results.ts`).toBeDefined();
      const missing = fields.filter((f) => !props!.includes(f));
      expect(missing, `${name} lacks ${missing.join(', ')}`).toEqual([]);
    });
  }

  it('has every warning kind, phase and status, and no other', () => {
    expect([...WARNING_KINDS].sort()).toEqual([...contract.warningKinds].sort());
    expect([...PHASES].sort()).toEqual([...contract.phases].sort());
    expect([...JOB_STATUSES]).toEqual(contract.statuses);
  });
});

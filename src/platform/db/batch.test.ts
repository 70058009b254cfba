import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { units } from '../../modules/catalog/catalog.tables.js';
import { SubmitCaseBody, cases, registerDocument, submitCase } from '../../modules/cases/index.js';
import { inlineParams } from './index.js';
import { testApp } from '../../../test/harness.js';
import { signalBody, types } from '../../../test/factories.js';

/**
 * Issue 11, item 12: the registration goes to the server as one batch with its values inlined as
 * quoted literals (Database.batch). Proven safe here: the `$n` substitution knows SQL's quoting,
 * and hostile texts in every text field come back exactly as typed on both databases.
 */

const HOSTILE = [
  "$1 $2 $10 $$ $tag$ body $tag$",
  "O'Brien '' ''' \\ \\\\ \\' E'\\x41' e'\\n'",
  "'); DROP TABLE cases; -- /* comment */",
  "U&'\\0041' B'101' X'1F' $$;$$",
  '"quoted identifier" "" \\"',
  '~0seq0~ ~0yy0~ кирилица „кавички“ 🙂',
];

let app: App;
beforeAll(async () => {
  app = await testApp();
});

describe('the register batch (Database.batch)', () => {
  test('$n is replaced only where it is a parameter: never inside strings, identifiers, dollar quotes or comments', () => {
    const lit = (n: number) => `<${n}>`;
    expect(inlineParams("SELECT $1, '$2', \"$3\", $$ $4 $$, $q$ $5 $q$, E'\\' $6', $7 -- $8\n, /* $9 */ $10, x$11, 'it''s $12', $13", lit)).toBe(
      "SELECT <1>, '$2', \"$3\", $$ $4 $$, $q$ $5 $q$, E'\\' $6', <7> -- $8\n, /* $9 */ <10>, x$11, 'it''s $12', <13>",
    );
    // A backslash ends nothing in a standard string: the quote after it still closes it.
    expect(inlineParams("SELECT '\\', $1", lit)).toBe("SELECT '\\', <1>");
  });

  test('hostile texts in every text field of a signal and a letter are stored and shown exactly as typed', async () => {
    const { plain } = await types(app);
    for (const [i, text] of HOSTILE.entries()) {
      const done = await submitCase(
        app.ctx,
        SubmitCaseBody.parse({ ...signalBody(plain), description: `Описание ${text}`, address: `Адрес ${text}`, name: `Име ${text}`.slice(0, 200), submitterAddress: `Адрес ${text}`, email: `hostile.${i}@example.bg`, lang: 'bg' }),
        [],
      );
      const [c] = await app.ctx.db.orm.select().from(cases).where(eq(cases.regNumber, done.number));
      expect(c!.description).toBe(`Описание ${text}`);
      expect(c!.address).toBe(`Адрес ${text}`);
      expect(c!.submitterName).toBe(`Име ${text}`);
      expect(c!.submitterAddress).toBe(`Адрес ${text}`);
      expect((await app.app.inject({ url: `/api/v1/cases/${encodeURIComponent(done.number)}` })).json().description).toBe(`Описание ${text}`);

      const [unit] = await app.ctx.db.orm.select({ id: units.id }).from(units).where(eq(units.code, 'KC'));
      const doc = await registerDocument(
        app.ctx,
        { userId: null, name: `Подател ${text}`, email: null, phone: null, address: `Адрес ${text}`, locale: 'bg', firstName: '' },
        { kind: 'letter', subject: `Тема ${text}`, description: `Текст ${text}`, unitId: unit!.id },
        [],
        'phone',
      );
      const [d] = await app.ctx.db.orm.select().from(cases).where(eq(cases.regNumber, doc.number));
      expect([d!.subject, d!.description, d!.submitterName, d!.submitterAddress]).toEqual([`Тема ${text}`, `Текст ${text}`, `Подател ${text}`, `Адрес ${text}`]);
    }
    // The table is still there and still counts.
    const { rows } = await app.ctx.db.raw.executeSql("SELECT count(*)::int AS n FROM cases WHERE submitter_email LIKE 'hostile.%@example.bg'", []);
    expect(rows[0].n).toBeGreaterThanOrEqual(HOSTILE.length);
  });
});

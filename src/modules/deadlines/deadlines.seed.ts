import type { Database } from '../../platform/db/index.js';
import { PolicyClocks, type ClockSpec } from './deadlines.policy.js';

/**
 * The deadline policies the Municipality starts with (issue 12). Data, not code: an administrator
 * edits them in /admin/deadlines, and a change applies from its own start date.
 */
const DECIDED = ['answer', 'rejected', 'duplicate', 'closed'] as const;

/**
 * Signals and proposals, Administrative Procedure Code, chapter eight: each decided within two
 * months and the decision told to its sender within seven days — for proposals art. 118, for
 * signals arts. 121 and 123.
 */
function apc(decision: string, inform: string, what: { bg: string; en: string }): ClockSpec[] {
  return PolicyClocks.parse([
    {
      code: 'decision',
      label: { bg: `Решение по ${what.bg}`, en: `Decision on the ${what.en}` },
      source: decision,
      length: { unit: 'months', n: 2 },
      start: ['registered'],
      stopOn: DECIDED,
      shownToSubmitter: true,
      // АПК art. 111(4): no proceedings on an anonymous signal, so no legal period; the field work
      // still has the Contact Center's own target.
      anonymous: { target: { unit: 'calendar_days', n: 30 } },
    },
    {
      code: 'inform',
      label: { bg: 'Съобщаване на решението на подателя', en: 'Telling the sender the decision' },
      source: inform,
      length: { unit: 'calendar_days', n: 7 },
      start: DECIDED,
      stopOn: ['notified'],
      satisfiedByEmail: true,
    },
  ]);
}
const SIGNAL = apc('чл. 121, ал. 1 АПК', 'чл. 123, ал. 1 АПК', { bg: 'сигнала', en: 'signal' });
const PROPOSAL = apc('чл. 118, ал. 1 АПК', 'чл. 118, ал. 1 АПК', { bg: 'предложението', en: 'proposal' });

/** Questions to the Contact Center: a reasonable answer time, the Municipality's own. */
const QUESTION: ClockSpec[] = PolicyClocks.parse([
  {
    code: 'answer',
    label: { bg: 'Отговор на въпроса', en: 'Answer to the question' },
    source: '',
    length: { unit: 'calendar_days', n: 14 },
    start: ['registered'],
    stopOn: DECIDED,
    shownToSubmitter: true,
    anonymous: { target: { unit: 'calendar_days', n: 14 } },
  },
]);

/** Public-information requests, Access to Public Information Act. */
const ZDOI: ClockSpec[] = PolicyClocks.parse([
  {
    code: 'decision',
    label: { bg: 'Решение по заявлението', en: 'Decision on the request' },
    source: 'чл. 28, ал. 1 ЗДОИ',
    length: { unit: 'calendar_days', n: 14 },
    start: ['registered'],
    stopOn: [...DECIDED, 'left_without_consideration'],
    // Art. 29: an unclear request is clarified; the 14 days run again from the clarification, and
    // without one in 30 days the request is left without consideration.
    pauseOn: ['clarification_requested'],
    resumeOn: ['clarified'],
    onResume: 'restart',
    expireAfterPause: { unit: 'calendar_days', n: 30 },
    extensions: [
      { code: 'volume', label: { bg: 'Голямо количество информация', en: 'A large volume of information' }, source: 'чл. 30, ал. 1 ЗДОИ', maxDays: 10, notice: true },
      { code: 'third_party', label: { bg: 'Нужно е съгласие на трето лице', en: 'A third party’s consent is needed' }, source: 'чл. 31, ал. 2 ЗДОИ', maxDays: 14, notice: true },
    ],
    shownToSubmitter: true,
  },
]);

/** Letters and complaints: the Municipality's own one-month answer time, configurable. */
const LETTER: ClockSpec[] = PolicyClocks.parse([
  {
    code: 'answer',
    label: { bg: 'Отговор', en: 'Answer' },
    source: '',
    length: { unit: 'months', n: 1 },
    start: ['registered'],
    stopOn: DECIDED,
    shownToSubmitter: true,
  },
]);

export const MUNICIPALITY_POLICIES: Record<string, ClockSpec[]> = {
  signal: SIGNAL,
  proposal: PROPOSAL,
  question: QUESTION,
  info_request: ZDOI,
  letter: LETTER,
  complaint: LETTER,
};

/** The first valid day of the seeded policies. */
export const SEED_VALID_FROM = '2026-01-01';

/** Seeds the Municipality's policies once (every organisation of kind "municipality"; districts fall back to it). */
export async function seedDeadlinePolicies(db: Database): Promise<void> {
  const { rows } = await db.raw.executeSql('SELECT count(*)::int AS n FROM deadline_policies', []);
  if ((rows[0] as { n: number }).n > 0) return;
  const { rows: orgs } = await db.raw.executeSql("SELECT id FROM organisations WHERE kind = 'municipality'", []);
  for (const o of orgs as { id: number }[]) {
    for (const [kind, clocks] of Object.entries(MUNICIPALITY_POLICIES)) {
      await db.raw.executeSql('INSERT INTO deadline_policies (organisation_id, kind, valid_from, clocks, note) VALUES ($1, $2, $3, $4, $5)', [
        o.id,
        kind,
        SEED_VALID_FROM,
        JSON.stringify(clocks),
        'Начални правила (issue 12)',
      ]);
    }
  }
}

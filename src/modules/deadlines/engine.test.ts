import { describe, expect, test } from 'vitest';
import { buildCalendar } from '../../platform/calendar/index.js';
import { afterEvents, clocksAtRegistration, extended, type ClockRow } from './deadlines.engine.js';
import { MUNICIPALITY_POLICIES } from './deadlines.seed.js';
import { policyFor } from './deadlines.service.js';
import type { ClockSpec } from './deadlines.policy.js';

/**
 * Issue 12: every shipped clock computed for registrations on Good Friday, on 23 December, on
 * 31 December at 23:30 and at 00:30 on 1 January Sofia time (still the old year in UTC), with
 * pause, extension and stop.
 * Expected dates are worked out by hand from the calendar of those years.
 */

const cal = buildCalendar([]);
/** A moment given as Sofia's wall clock in winter or summer (offset given explicitly). */
const at = (iso: string) => new Date(iso);

const GOOD_FRIDAY_2026 = at('2026-04-10T10:00:00+03:00');
const DEC_23_2026 = at('2026-12-23T10:00:00+02:00');
const DEC_31_2026_2330 = at('2026-12-31T23:30:00+02:00'); // 2026-12-31T21:30Z: still 2026 in Sofia and in UTC
const JAN_1_2027_0030 = at('2027-01-01T00:30:00+02:00'); // 2026-12-31T22:30Z: 2027 in Sofia, 2026 in UTC

function due(kind: string, when: Date, opts: { anonymous?: boolean; hasEmail?: boolean } = {}) {
  const rows = clocksAtRegistration(MUNICIPALITY_POLICIES[kind]!, { at: when, anonymous: !!opts.anonymous, hasEmail: !!opts.hasEmail }, cal);
  return Object.fromEntries(rows.map((r) => [r.code, { state: r.state, startedOn: r.startedOn, dueOn: r.dueOn, legal: r.legal }]));
}

describe('the shipped clocks at registration', () => {
  test('on Good Friday 2026 (a holiday; Easter Monday 13 April is one too)', () => {
    // ЗДОИ art. 28(1): 14 days from 10 April → Friday 24 April, a working day.
    expect(due('info_request', GOOD_FRIDAY_2026).decision).toEqual({ state: 'running', startedOn: '2026-04-10', dueOn: '2026-04-24', legal: true });
    // АПК art. 121(1): 2 months → Wednesday 10 June; the duty to inform waits for the decision.
    expect(due('signal', GOOD_FRIDAY_2026)).toEqual({
      decision: { state: 'running', startedOn: '2026-04-10', dueOn: '2026-06-10', legal: true },
      inform: { state: 'waiting', startedOn: null, dueOn: null, legal: true },
    });
    expect(due('question', GOOD_FRIDAY_2026).answer!.dueOn).toBe('2026-04-24');
    // 1 month → Sunday 10 May → the next working day, Monday 11 May (ГПК art. 60(6)).
    expect(due('letter', GOOD_FRIDAY_2026).answer!.dueOn).toBe('2026-05-11');
  });

  test('on 23 December 2026 (24–26 December are holidays; 26 December, a Saturday, moves to Monday 28)', () => {
    expect(due('info_request', DEC_23_2026).decision!.dueOn).toBe('2027-01-06');
    expect(due('proposal', DEC_23_2026).decision!.dueOn).toBe('2027-02-23');
    // 23 January 2027 is a Saturday → Monday 25 January.
    expect(due('complaint', DEC_23_2026).answer!.dueOn).toBe('2027-01-25');
    // A period ending on 24 December ends on 29 December: 24, 25 (holidays), 26, 27 (weekend), 28 (26th moved).
    expect(due('question', at('2026-12-10T10:00:00+02:00')).answer!.dueOn).toBe('2026-12-29');
  });

  test('on 31 December 2026 at 23:30 and at 00:30 on 1 January 2027 Sofia time: the Sofia day counts, not UTC’s', () => {
    expect(due('info_request', DEC_31_2026_2330).decision).toMatchObject({ startedOn: '2026-12-31', dueOn: '2027-01-14' });
    // 28 February 2027 is a Sunday → Monday 1 March.
    expect(due('signal', DEC_31_2026_2330).decision!.dueOn).toBe('2027-03-01');
    // 31 January 2027 is a Sunday → Monday 1 February.
    expect(due('letter', DEC_31_2026_2330).answer!.dueOn).toBe('2027-02-01');
    // Half an hour into 2027 in Sofia (still 2026 in UTC): the period runs from 1 January 2027.
    expect(due('info_request', JAN_1_2027_0030).decision).toMatchObject({ startedOn: '2027-01-01', dueOn: '2027-01-15' });
  });

  test('anonymous signals: no legal deadline (АПК art. 111(4)), an internal 30-day target, nobody to inform', () => {
    expect(due('signal', DEC_23_2026, { anonymous: true })).toEqual({ decision: { state: 'running', startedOn: '2026-12-23', dueOn: '2027-01-22', legal: false } });
  });
});

describe('pause, restart, extension and stop', () => {
  const zdoi = MUNICIPALITY_POLICIES.info_request![0]!;
  const start = clocksAtRegistration([zdoi], { at: DEC_23_2026, anonymous: false, hasEmail: true }, cal)[0]!;
  const step = (row: ClockRow, spec: ClockSpec, events: string[], when: Date) => afterEvents(row, spec, events as never, { at: when, anonymous: false, hasEmail: true }, cal);

  test('ЗДОИ: a clarification stops the 14 days; they run again, whole, from the clarification (art. 29)', () => {
    const paused = step(start, zdoi, ['clarification_requested'], at('2026-12-28T11:00:00+02:00'))!;
    expect(paused.state).toBe('paused');
    expect(step(paused, zdoi, ['answer'], at('2026-12-29T11:00:00+02:00'))!.state).toBe('stopped');
    const resumed = step(paused, zdoi, ['clarified'], at('2027-01-05T09:00:00+02:00'))!;
    expect(resumed).toMatchObject({ state: 'running', startedOn: '2027-01-05', dueOn: '2027-01-19', pausedAt: null });
    // An extension of 10 days for a large volume (art. 30): 29 January.
    const longer = extended(resumed, zdoi.length, 10, cal, 'volume');
    expect(longer).toMatchObject({ dueOn: '2027-01-29', extendedDays: 10, extensions: 1, extensionCodes: ['volume'] });
    // Stopped by the decision.
    const done = step(longer, zdoi, ['answer', 'closed'], at('2027-01-20T12:00:00+02:00'))!;
    expect(done).toMatchObject({ state: 'stopped' });
    expect(done.stoppedAt!.getTime() <= done.dueAt!.getTime()).toBe(true);
    // Events that are not its own move nothing.
    expect(step(longer, zdoi, ['redirected', 'status'], at('2027-01-20T12:00:00+02:00'))).toBeNull();
  });

  test('an extension that ends on a weekend ends on the next working day', () => {
    // 6 January 2027 + 14 days = 20 January (Wednesday); +3 = 23 January, a Saturday → Monday 25.
    expect(extended(start, zdoi.length, 17, cal, 'volume').dueOn).toBe('2027-01-25');
  });

  test('an extension lengthens the period itself: a 14-day end moved off a weekend or Easter does not carry the move into the extension', () => {
    const reg = (iso: string) => clocksAtRegistration([zdoi], { at: at(iso), anonymous: false, hasEmail: true }, cal)[0]!;
    // Saturday 7 March 2026 + 14 = Saturday 21 March → Monday 23; +10 days on the period = Tuesday 31 March (not 2 April).
    const march = reg('2026-03-07T10:00:00+02:00');
    expect(march.dueOn).toBe('2026-03-23');
    expect(extended(march, zdoi.length, 10, cal, 'volume').dueOn).toBe('2026-03-31');
    // 27 March + 14 = Good Friday 10 April → Tuesday 14 April (Easter Monday is 13); +10 = Monday 20 April (not 24).
    const easter = reg('2026-03-27T10:00:00+02:00');
    expect(easter.dueOn).toBe('2026-04-14');
    expect(extended(easter, zdoi.length, 10, cal, 'volume').dueOn).toBe('2026-04-20');
  });

  test('АПК: the duty to inform starts with the decision and is met at once when the submitter gave an email', () => {
    const [decision, inform] = MUNICIPALITY_POLICIES.signal!;
    const rows = clocksAtRegistration([decision!, inform!], { at: DEC_23_2026, anonymous: false, hasEmail: false }, cal);
    const decided = at('2027-01-10T12:00:00+02:00');
    expect(step(rows[0]!, decision!, ['answer', 'closed'], decided)!.state).toBe('stopped');
    // Without an email: 7 days to tell the submitter (10 January + 7 = 17 January, a Sunday → 18).
    const noEmail = afterEvents(rows[1]!, inform!, ['answer', 'closed'], { at: decided, anonymous: false, hasEmail: false }, cal)!;
    expect(noEmail).toMatchObject({ state: 'running', startedOn: '2027-01-10', dueOn: '2027-01-18' });
    expect(afterEvents(noEmail, inform!, ['notified', 'closed'], { at: decided, anonymous: false, hasEmail: false }, cal)!.state).toBe('stopped');
    // A decision notified in the same step (no email: told by post) starts and meets the duty at once.
    expect(afterEvents(rows[1]!, inform!, ['status', 'closed', 'notified'], { at: decided, anonymous: false, hasEmail: false }, cal)!.state).toBe('stopped');
    // A case that became anonymous (its author closed the account) still stops its running clocks.
    expect(afterEvents(noEmail, inform!, ['notified'], { at: decided, anonymous: true, hasEmail: false }, cal)!.state).toBe('stopped');
    // With one: the answer's email is the notice.
    expect(afterEvents(rows[1]!, inform!, ['answer', 'closed'], { at: decided, anonymous: false, hasEmail: true }, cal)!.state).toBe('stopped');
  });

  test('"immediately": a clock in hours runs from the moment itself', () => {
    const now: ClockSpec = { ...zdoi, code: 'safety', length: { unit: 'hours', n: 24 }, pauseOn: [], resumeOn: [], extensions: [] };
    const r = clocksAtRegistration([now], { at: DEC_31_2026_2330, anonymous: false, hasEmail: false }, cal)[0]!;
    expect(r.dueAt!.toISOString()).toBe('2027-01-01T21:30:00.000Z');
    expect(r.dueOn).toBe('2027-01-01');
  });
});

describe('policies are never retroactive', () => {
  test('the policy in force on the registration day applies; a type’s own policy wins over its kind’s; without an own one the Municipality’s', () => {
    const base = { organisationId: 1, kind: 'letter', typeId: null, clocks: [] };
    const p = {
      byId: new Map(),
      all: [
        { ...base, id: 1, validFrom: '2026-01-01' },
        { ...base, id: 2, validFrom: '2027-03-01' },
        { ...base, id: 3, kind: 'signal', validFrom: '2026-01-01' },
        { ...base, id: 4, kind: 'signal', typeId: 7, validFrom: '2026-06-01' },
      ],
      unitOrganisation: new Map([[10, 1], [20, 2]]),
      fallback: [1],
    };
    expect(policyFor(p, 10, 'letter', null, '2027-02-28')!.id).toBe(1);
    expect(policyFor(p, 10, 'letter', null, '2027-03-01')!.id).toBe(2);
    expect(policyFor(p, 10, 'signal', 7, '2026-05-31')!.id).toBe(3);
    expect(policyFor(p, 10, 'signal', 7, '2026-06-01')!.id).toBe(4);
    expect(policyFor(p, 10, 'signal', 8, '2026-06-01')!.id).toBe(3);
    // A district administration (organisation 2) without policies of its own falls back to the Municipality's.
    expect(policyFor(p, 20, 'letter', null, '2026-05-01')!.id).toBe(1);
    expect(policyFor(p, 10, 'letter', null, '2025-12-31')).toBeNull();
  });
});

import { eq } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Tx } from '../../platform/db/index.js';
import { audit, type Actor } from '../../platform/audit/index.js';
import { AppError } from '../../platform/errors/index.js';
import { formatDate } from '../../platform/i18n/index.js';
import { endOfSofiaDay } from '../../platform/calendar/index.js';
import { caseEvents, cases, visibilityOf, type CaseStatus } from '../cases/index.js';
import { awaitsClarification, extendClock, mayAskClarification } from '../deadlines/index.js';
import type { ActionInput } from './backoffice.service.js';

/** What a staff action on the legal clocks works with, inside the action's transaction (backoffice.service.ts act()). */
export interface ClockActionScope {
  tx: Tx;
  ctx: Ctx;
  row: typeof cases.$inferSelect;
  userId: string;
  actor: Actor;
  now: Date;
  label: string;
  need: (text: string | undefined, field: string, min?: number) => string;
  changed: (events: string[]) => Promise<void>;
  notify: (ev: { statusTo: CaseStatus | null; text: string | null; eventId: number; visibility: 'public' }) => Promise<void>;
}

/**
 * The actions on a case's legal clocks (issue 12), for public-information requests under the
 * Access to Public Information Act: ask for a clarification (art. 29(1): the 14 days stop), record
 * the clarification (art. 29(2): they run again, whole, from it), and extend the period (art. 30:
 * up to 10 days for a large volume; art. 31: up to 14 days for a third party's consent), each with
 * its reason, a public history entry and a written notice to the applicant.
 */
export async function clockAction(action: 'extend' | 'clarify' | 'clarified', input: ActionInput, s: ClockActionScope): Promise<void> {
  const { tx, ctx, row, now, label } = s;
  const entry = async (type: 'extended' | 'clarification_requested' | 'clarified', text: string | null, statusTo: CaseStatus | null) => {
    if (statusTo) await tx.update(cases).set({ status: statusTo, updatedAt: now }).where(eq(cases.id, row.id));
    else await tx.update(cases).set({ updatedAt: now }).where(eq(cases.id, row.id));
    const [ev] = await tx
      .insert(caseEvents)
      .values({ caseId: row.id, at: now, type, statusFrom: statusTo ? row.status : null, statusTo, text, visibility: visibilityOf(type), actorLabel: label, actorId: s.userId })
      .returning({ id: caseEvents.id });
    return ev!.id;
  };

  switch (action) {
    case 'extend': {
      const reason = s.need(input.text, 'text', 5);
      const ext = await extendClock(tx, ctx, row.id, { extension: input.extension, days: input.days }, now);
      const text = `${ext.extension.label.bg} (${ext.extension.source}), ${ext.days} дни: ${reason}. Нов срок: ${formatDate(endOfSofiaDay(ext.dueOn), 'bg')}`;
      const eventId = await entry('extended', text, null);
      await audit(tx, s.actor, { action: 'case.extend', entity: 'case', entityId: row.regNumber, after: { clock: ext.clock.code, extension: ext.extension.code, days: ext.days, dueOn: ext.dueOn } });
      // The applicant is told in writing, with the reason and the new date (art. 30(2), 31(4)).
      if (ext.extension.notice) await s.notify({ visibility: 'public', statusTo: null, text, eventId });
      return;
    }
    case 'clarify': {
      const text = s.need(input.text, 'text', 5);
      if (!(await mayAskClarification(tx, ctx, row.id, now))) throw new AppError('VALIDATION', { issues: [{ field: 'text', code: 'NO_CLARIFICATION_CLOCK' }] });
      const eventId = await entry('clarification_requested', text, 'awaiting_reply');
      await audit(tx, s.actor, { action: 'case.clarify', entity: 'case', entityId: row.regNumber, before: { status: row.status }, after: { status: 'awaiting_reply' } });
      await s.notify({ visibility: 'public', statusTo: 'awaiting_reply', text, eventId });
      await s.changed(['clarification_requested']);
      return;
    }
    case 'clarified': {
      const text = typeof input.text === 'string' && input.text.trim() ? s.need(input.text, 'text') : null;
      if (!(await awaitsClarification(tx, ctx, row.id))) throw new AppError('VALIDATION', { issues: [{ field: 'text', code: 'NOT_AWAITING_CLARIFICATION' }] });
      const eventId = await entry('clarified', text, 'in_progress');
      await audit(tx, s.actor, { action: 'case.clarified', entity: 'case', entityId: row.regNumber, before: { status: row.status }, after: { status: 'in_progress' } });
      await s.notify({ visibility: 'public', statusTo: 'in_progress', text, eventId });
      await s.changed(['clarified']);
      return;
    }
  }
}

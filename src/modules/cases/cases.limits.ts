import { createHash } from 'node:crypto';
import { addressSubject, type Limit, type LimitHit } from '../../platform/ratelimit/index.js';

/**
 * Limits on every write that takes a number from the official register or sends an email to
 * someone (issue 11). Numbers in a gap-free register cannot be given back, and a confirmation
 * email to an address nobody verified is an email to a stranger: a script must not be able to
 * fill the one or flood the other. Counted in `rate_limits` (fixed hourly windows, shared by every
 * instance), before anything expensive (geolocation, photo decoding, the register).
 * The messages of RATE_LIMITED's siblings in src/platform/errors name these numbers.
 */
export const SUBMISSION_LIMITS = {
  /** Signals and questions from one client address, through the web forms and the JSON API together. */
  address: { name: 'submit', max: 40, windowSeconds: 3600 },
  /** Confirmation emails to one address that nobody verified (web forms, JSON API, Open311). */
  recipient: { name: 'recipient', max: 5, windowSeconds: 3600 },
  /** Letters, complaints, proposals and requests from one account… */
  documentAccount: { name: 'document-user', max: 20, windowSeconds: 3600 },
  /** …and from one client address (one person with many accounts; registration allows 10 an hour per address). */
  documentAddress: { name: 'document', max: 30, windowSeconds: 3600 },
} as const satisfies Record<string, Limit>;

/**
 * The mailbox an address delivers to, for counting: lower case, without a "+tag" (most providers
 * deliver victim+1@… to victim@…), and without Gmail's ignored dots. Only its hash is stored, so
 * the limits table holds no email addresses.
 */
export function recipientSubject(email: string): string {
  const at = email.lastIndexOf('@');
  let local = email.slice(0, at).trim().toLowerCase();
  let domain = email.slice(at + 1).trim().toLowerCase();
  local = local.split('+')[0]!;
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (domain === 'gmail.com') local = local.replace(/\./g, '');
  return createHash('sha256').update(`${local}@${domain}`).digest('base64url').slice(0, 32);
}

/** Whether an email is the signed-in person's own verified address (compared as the mailbox it delivers to). */
export function isVerifiedEmail(email: string | undefined | null, verified: string | null | undefined): boolean {
  return !!email && !!verified && recipientSubject(email) === recipientSubject(verified);
}

/** The counters a signal or question passes: its client address, and its unverified recipient. */
export function submissionHits(opts: { ip?: string; email?: string | null; emailVerified: boolean }): LimitHit[] {
  const hits: LimitHit[] = [];
  if (opts.ip) hits.push({ limit: SUBMISSION_LIMITS.address, subject: addressSubject(opts.ip), code: 'SUBMISSIONS_LIMITED' });
  if (opts.email && !opts.emailVerified) hits.push({ limit: SUBMISSION_LIMITS.recipient, subject: recipientSubject(opts.email), code: 'RECIPIENT_LIMITED', field: 'email' });
  return hits;
}

/** The counters a document of a signed-in person passes: their account and their client address. */
export function documentHits(userId: string, ip: string | undefined): LimitHit[] {
  const hits: LimitHit[] = [{ limit: SUBMISSION_LIMITS.documentAccount, subject: userId, code: 'DOCUMENTS_LIMITED' }];
  if (ip) hits.push({ limit: SUBMISSION_LIMITS.documentAddress, subject: addressSubject(ip), code: 'DOCUMENTS_LIMITED' });
  return hits;
}

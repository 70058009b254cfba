/** Every table of every module, for drizzle-kit and the typed query builder. */
export * from '../geo/geo.tables.js';
export * from '../register/register.tables.js';
export * from '../mail/mail.tables.js';
export * from '../jobs/jobs.tables.js';
export * from '../../modules/catalog/catalog.tables.js';
export * from '../../modules/cases/cases.tables.js';
export * from '../auth/auth.tables.js';
export * from '../ratelimit/ratelimit.tables.js';
export * from '../audit/audit.tables.js';
export * from '../calendar/calendar.tables.js';
export * from '../../modules/open311/open311.tables.js';
export * from '../../modules/deadlines/deadlines.tables.js';

export { accountsRoutes } from './accounts.routes.js';
export { authMailHooks, toSessionUser, passwordIssues } from './accounts.service.js';
export { seedDemoUsers, DEMO_LOGINS } from './accounts.demo.js';
export { ACCOUNTS_CLEANUP, ACCOUNTS_RECOVERY, accountsCleanup, accountsRecovery } from './accounts.jobs.js';

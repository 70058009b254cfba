export { casesRoutes } from './cases.routes.js';
export { documentsRoutes } from './cases.documents.routes.js';
export { seedDemoCases } from './cases.demo.js';
export { submitCase, findPublicByNumber, findByToken, caseUrl } from './cases.service.js';
export { KINDS, STATUSES, STAFF_ROLES, isStaff } from './cases.policy.js';
export { cases, caseEvents, caseFiles, subscriptions } from './cases.tables.js';
export { anonymiseAuthorCases, deleteSubscriptionsOf, myCaseCounts } from './cases.documents.js';

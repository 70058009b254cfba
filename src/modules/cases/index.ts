export { casesRoutes } from './cases.routes.js';
export { seedDemoCases } from './cases.demo.js';
export { submitCase, findPublicByNumber, findByToken, caseUrl } from './cases.service.js';
export { KINDS, STATUSES } from './cases.policy.js';
export { cases, caseEvents, caseFiles } from './cases.tables.js';

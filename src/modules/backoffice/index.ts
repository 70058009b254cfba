export { backofficeRoutes } from './backoffice.routes.js';

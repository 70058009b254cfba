export { overviewRoutes } from './overview.routes.js';
export { getOverview, parseFilter, type Overview, type OverviewFilter } from './overview.service.js';

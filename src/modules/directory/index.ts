export { directoryRoutes } from './directory.routes.js';

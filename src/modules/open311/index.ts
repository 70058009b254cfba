export { open311Routes } from './open311.routes.js';
export { apiKeys } from './open311.tables.js';

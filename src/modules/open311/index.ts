export { open311Routes } from './open311.routes.js';
export { apiKeys } from './open311.tables.js';
export { seedDemoApiKey, DEMO_API_KEY, hashKey } from './open311.keys.js';

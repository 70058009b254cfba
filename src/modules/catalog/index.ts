export { getCatalog, invalidateCatalog, localName } from './catalog.service.js';
export type { Catalog, CatalogCategory, CatalogType } from './catalog.service.js';
export type { ExtraField } from './catalog.tables.js';
export { seedCatalog } from './catalog.seed.js';

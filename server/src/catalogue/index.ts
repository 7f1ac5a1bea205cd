export { createCatalogueService, type CatalogueService, type CatalogueServiceDeps } from './service';
export { bootstrapCatalogue } from './lifecycle';
export { strapiIconMedia } from './media';
export type { CatalogueRow, CatalogueQuery, OrphanedEntry, BrandMapping, LocaleState } from './workspace';
export type { CatalogueSync } from './runs';
export type { StoredBrand } from './store';
export type { CatalogueQuery as CatalogueTableQuery } from './store';

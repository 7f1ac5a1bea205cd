import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import type services from '../services';

type Services = { [Name in keyof typeof services]: ReturnType<(typeof services)[Name]> };

/**
 * The plugin's services with their own types, derived from the services map (never maintained by hand). For the
 * edges (controllers, lifecycles, the composition root's lazy wiring): services receive what they need instead.
 */
export function getService<Name extends keyof Services>(strapi: Core.Strapi, name: Name): Services[Name] {
  return strapi.plugin(PLUGIN_ID).service(name) as Services[Name];
}

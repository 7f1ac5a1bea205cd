import type { Core } from '@strapi/strapi';

const register = (_context: { strapi: Core.Strapi }) => {
  // Nothing to wire before bootstrap yet: content types, routes and services are declared in index.ts.
};

export default register;

import { describeFreshApp } from './fresh-app';

// The newest Strapi version the package's peer range admits (see strapi-versions.js), from a fresh app.
describeFreshApp('newest');

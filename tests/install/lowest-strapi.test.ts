import { describeFreshApp } from './fresh-app';

// The lowest Strapi version the package's peer range admits (see strapi-versions.js), from a fresh app.
describeFreshApp('lowest');

'use strict';

// Fallback entry for Strapi versions or tools that look for a root strapi-server.js instead of the export map.
module.exports = require('./dist/server');

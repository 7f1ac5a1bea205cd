'use strict';

// Fallback entry for tools that look for a root strapi-admin.js instead of the export map.
module.exports = require('./dist/admin');

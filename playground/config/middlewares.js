// PLAYGROUND_FIRST_MIDDLEWARE (tests only): a module path whose middleware is listed first, e.g. a body reader
// standing for another plugin's, to prove the button-personalization raw-body check notices it.
module.exports = ({ env }) => [
  ...(env('PLAYGROUND_FIRST_MIDDLEWARE') ? [{ resolve: env('PLAYGROUND_FIRST_MIDDLEWARE') }] : []),
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  'strapi::body',
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];

module.exports = ({ env }) => ({
  host: env('HOST', '127.0.0.1'),
  port: env.int('PORT', 1337),
  // Demo-only fallbacks: a real app sets APP_KEYS (and the secrets in admin.js / plugins.js) in its environment.
  logger: { updates: { enabled: false } },
  app: { keys: env.array('APP_KEYS', ['playground-app-key-1', 'playground-app-key-2']) },
});

module.exports = ({ env }) => ({
  // API_REST_PREFIX: the integration suite boots the app under a custom prefix (tests/integration/rest-prefix).
  rest: { prefix: env('API_REST_PREFIX', '/api'), defaultLimit: 25, maxLimit: 100, withCount: true },
});

module.exports = ({ env }) => ({
  auth: { secret: env('ADMIN_JWT_SECRET', 'playground-admin-jwt-secret') },
  apiToken: { salt: env('API_TOKEN_SALT', 'playground-api-token-salt') },
  transfer: { token: { salt: env('TRANSFER_TOKEN_SALT', 'playground-transfer-token-salt') } },
  secrets: { encryptionKey: env('ENCRYPTION_KEY', 'playground-encryption-key-32-chars!') },
  flags: { nps: false, promoteEE: false },
  // The benchmark runs the app in production mode without building the admin panel.
  serveAdminPanel: env.bool('PLAYGROUND_SERVE_ADMIN', true),
});

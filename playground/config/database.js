const path = require('node:path');

/**
 * SQLite by default; PostgreSQL or MySQL/MariaDB when DATABASE_CLIENT says so, with DATABASE_URL or the
 * usual DATABASE_HOST / PORT / NAME / USERNAME / PASSWORD variables.
 */
module.exports = ({ env }) => {
  const client = env('DATABASE_CLIENT', 'sqlite');
  const network = (defaultPort) => ({
    ...(env('DATABASE_URL') ? { connectionString: env('DATABASE_URL') } : {}),
    host: env('DATABASE_HOST', '127.0.0.1'),
    port: env.int('DATABASE_PORT', defaultPort),
    database: env('DATABASE_NAME', 'strapi'),
    user: env('DATABASE_USERNAME', 'root'),
    password: env('DATABASE_PASSWORD', ''),
  });
  const connections = {
    sqlite: {
      connection: { filename: path.resolve(__dirname, '..', env('DATABASE_FILENAME', '.tmp/data.db')) },
      useNullAsDefault: true,
    },
    postgres: {
      connection: { ...network(5432), schema: env('DATABASE_SCHEMA', 'public'), ssl: false },
      pool: { min: env.int('DATABASE_POOL_MIN', 0), max: env.int('DATABASE_POOL_MAX', 10) },
    },
    mysql: {
      connection: network(3306),
      // knex warns on every DDL statement Strapi's schema sync runs in a transaction on MySQL: known and harmless.
      log: { warn: (message) => String(message).includes('implicitly committed') || console.warn(message) },
      pool: { min: env.int('DATABASE_POOL_MIN', 0), max: env.int('DATABASE_POOL_MAX', 10) },
    },
  };
  if (!connections[client]) throw new Error(`DATABASE_CLIENT must be sqlite, postgres or mysql (got "${client}")`);
  return {
    connection: { client, ...connections[client], acquireConnectionTimeout: env.int('DATABASE_CONNECTION_TIMEOUT', 60000) },
  };
};

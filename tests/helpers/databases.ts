import path from 'node:path';
import { randomBytes } from 'node:crypto';

export type DatabaseClient = 'sqlite' | 'postgres' | 'mysql';

export interface TestDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

// The machine's PostgreSQL (trust auth) and MariaDB (root, no password), as CONTRIBUTING.md describes.
export const POSTGRES = {
  host: process.env.TEST_PG_HOST ?? '127.0.0.1',
  port: 5432,
  user: process.env.TEST_PG_USER ?? 'postgres',
};
export const MARIADB = {
  host: process.env.TEST_MYSQL_HOST ?? '127.0.0.1',
  port: 3306,
  user: process.env.TEST_MYSQL_USER ?? 'root',
};

/** A fresh, empty database per test file, dropped afterwards: suites never see each other's rows. */
export async function createTestDatabase(client: DatabaseClient, scratchDir: string): Promise<TestDatabase> {
  if (client === 'sqlite') {
    return {
      env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(scratchDir, 'data.db') },
      drop: async () => undefined,
    };
  }
  const name = `button_test_${randomBytes(4).toString('hex')}`;
  if (client === 'postgres') {
    const { Client } = await import('pg');
    const admin = async (sql: string) => {
      const connection = new Client({ ...POSTGRES, database: 'postgres' });
      await connection.connect();
      try {
        await connection.query(sql);
      } finally {
        await connection.end();
      }
    };
    await admin(`CREATE DATABASE ${name}`);
    return {
      env: {
        DATABASE_CLIENT: 'postgres',
        DATABASE_HOST: POSTGRES.host,
        DATABASE_PORT: String(POSTGRES.port),
        DATABASE_NAME: name,
        DATABASE_USERNAME: POSTGRES.user,
        DATABASE_PASSWORD: '',
        DATABASE_POOL_MIN: '0',
      },
      drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  }
  const mysql = await import('mysql2/promise');
  const admin = async (sql: string) => {
    const connection = await mysql.createConnection({ ...MARIADB });
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  };
  await admin(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  return {
    env: {
      DATABASE_CLIENT: 'mysql',
      DATABASE_HOST: MARIADB.host,
      DATABASE_PORT: String(MARIADB.port),
      DATABASE_NAME: name,
      DATABASE_USERNAME: MARIADB.user,
      DATABASE_PASSWORD: '',
      DATABASE_POOL_MIN: '0',
    },
    drop: () => admin(`DROP DATABASE IF EXISTS ${name}`),
  };
}

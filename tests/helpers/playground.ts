import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import winston from 'winston';
import { createStrapi, type Core } from '@strapi/strapi';
import { createTestDatabase, type DatabaseClient, type TestDatabase } from './databases';

export const PLAYGROUND_DIR = path.resolve(__dirname, '../../playground');
export const OFFERS_ACTION = 'plugin::button-personalization.offers.find';

export interface Playground {
  strapi: Core.Strapi;
  http: () => ReturnType<typeof request>;
  /** Every log line Strapi wrote since boot (all levels), for "no secret in the logs" assertions. */
  logs: string[];
  createApiToken(permissions?: string[]): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Boots the real playground app in-process, on its own fresh database, with the given environment.
 * Strapi reads configuration from process.env, so the previous values are restored on stop.
 */
export async function startPlayground(
  env: Record<string, string | undefined>,
  database: DatabaseClient = 'sqlite'
): Promise<Playground> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'button-plugin-test-'));
  const db: TestDatabase = await createTestDatabase(database, scratch);
  const saved = { ...process.env };
  for (const key of Object.keys(process.env))
    if (key.startsWith('BUTTON_') || key.startsWith('DATABASE_')) delete process.env[key];
  const applied: Record<string, string | undefined> = {
    PLAYGROUND_SEED: 'false',
    STRAPI_TELEMETRY_DISABLED: 'true',
    STRAPI_LOG_LEVEL: 'warn',
    ...db.env,
    ...env,
  };
  for (const [key, value] of Object.entries(applied)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }

  const strapi = createStrapi({ appDir: PLAYGROUND_DIR, distDir: PLAYGROUND_DIR });
  // The logger exists from createStrapi on: capturing before load() keeps the boot's own warnings too.
  const logs = captureLogs(strapi);
  try {
    await strapi.load();
  } catch (error) {
    await strapi.destroy().catch(() => undefined);
    process.env = saved;
    await db.drop();
    throw error;
  }
  strapi.server.mount();

  return {
    strapi,
    http: () => request(strapi.server.httpServer),
    logs,
    async createApiToken(permissions = [OFFERS_ACTION]) {
      const token = await strapi.service('admin::api-token').create({
        name: `test token ${Math.random().toString(36).slice(2)}`,
        description: 'created by the test suite',
        type: 'custom',
        kind: 'content-api',
        lifespan: null,
        permissions,
      });
      return token.accessKey as string;
    },
    async stop() {
      await strapi.destroy();
      await db.drop();
      fs.rmSync(scratch, { recursive: true, force: true });
      process.env = saved;
    },
  };
}

/** Replaces the console output with an in-memory capture at debug level (TEST_VERBOSE=1 keeps the console). */
function captureLogs(strapi: Core.Strapi): string[] {
  const logs: string[] = [];
  const logger = strapi.log as unknown as winston.Logger;
  if (process.env.TEST_VERBOSE !== '1') {
    for (const transport of [...logger.transports]) logger.remove(transport);
  }
  logger.level = 'debug';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  logger.add(
    new winston.transports.Stream({
      stream: sink,
      format: winston.format.combine(winston.format.uncolorize(), winston.format.json()),
    })
  );
  return logs;
}

/** Grants a Users & Permissions role (public or authenticated) a content-API action, as an admin would. */
export async function grantRole(strapi: Core.Strapi, roleType: 'public' | 'authenticated', action: string): Promise<void> {
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: roleType } });
  await strapi.db.query('plugin::users-permissions.permission').create({ data: { action, role: role.id } });
}

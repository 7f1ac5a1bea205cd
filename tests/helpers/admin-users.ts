import type { Core } from '@strapi/strapi';
import type { Playground } from './playground';

/**
 * Admin users for admin-route tests: created through Strapi's own admin user service, logged in through the
 * real `/admin/login` route (so the JWT is exactly what the admin panel would send).
 */
export async function createAdminUser(
  strapi: Core.Strapi,
  email: string,
  roleCode: 'strapi-super-admin' | 'strapi-editor' | 'strapi-author'
) {
  const role = await strapi.db.query('admin::role').findOne({ where: { code: roleCode } });
  const password = 'Test-Password-1';
  await strapi.service('admin::user').create({
    email,
    firstname: 'Test',
    lastname: roleCode,
    password,
    isActive: true,
    registrationToken: null,
    roles: [role.id],
  });
  return { email, password };
}

export async function adminToken(app: Playground, credentials: { email: string; password: string }): Promise<string> {
  const res = await app.http().post('/admin/login').send(credentials);
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.token as string;
}

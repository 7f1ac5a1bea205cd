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
  return createActiveAdmin(strapi, email, roleCode, role.id);
}

/** An active admin user (no invitation to accept) holding one role, with the suite's password. */
async function createActiveAdmin(strapi: Core.Strapi, email: string, lastname: string, roleId: number) {
  const password = 'Test-Password-1';
  await strapi.service('admin::user').create({
    email,
    firstname: 'Test',
    lastname,
    password,
    isActive: true,
    registrationToken: null,
    roles: [roleId],
  });
  return { email, password };
}

export async function adminToken(app: Playground, credentials: { email: string; password: string }): Promise<string> {
  const res = await app.http().post('/admin/login').send(credentials);
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.token as string;
}

/** A real admin role with exactly these permissions, and an active user holding it (log in with `adminToken`). */
export interface AdminPermission {
  action: string;
  subject?: string | null;
  properties?: object;
  conditions?: string[];
}

export async function createAdminUserWithPermissions(strapi: Core.Strapi, roleName: string, permissions: AdminPermission[]) {
  const roles = strapi.service('admin::role');
  const role = await roles.create({ name: roleName, description: 'created by the test suite' });
  await roles.assignPermissions(role.id, permissions);
  const email = `${roleName.toLowerCase().replace(/[^a-z]+/g, '-')}@example.com`;
  return createActiveAdmin(strapi, email, roleName, role.id);
}

import type { Core } from '@strapi/strapi';
import { adminToken, createAdminUserWithPermissions, type AdminPermission } from '../helpers/admin-users';
import { startPlayground, type Playground } from '../helpers/playground';

/**
 * Issue 8 (3): the Merchants page's "create draft" action creates Content Manager content, so it needs what the
 * Content Manager needs: its create permission on merchant-offer. The plugin's own `read` action only shows the page.
 */
const MERCHANT_OFFER_UID = 'plugin::button-personalization.merchant-offer';
const READ = { action: 'plugin::button-personalization.read' };
const cmCreate = (locales: string[]) => ({
  action: 'plugin::content-manager.explorer.create',
  subject: MERCHANT_OFFER_UID,
  properties: { locales },
});

let app: Playground;

/** A real admin role with exactly these permissions, and a logged-in user holding it. */
async function adminWith(strapi: Core.Strapi, name: string, permissions: AdminPermission[]): Promise<string> {
  return adminToken(app, await createAdminUserWithPermissions(strapi, name, permissions));
}

const rows = (merchantId: string) =>
  app.strapi.db.query(MERCHANT_OFFER_UID as never).findMany({ where: { merchant_id: merchantId } }) as Promise<
    Array<{ documentId: string; locale: string; publishedAt: string | null; created_by_id?: number }>
  >;

beforeAll(async () => {
  app = await startPlayground({});
});

afterAll(async () => {
  await app?.stop();
});

describe('POST /button-personalization/merchants/:merchantId/draft', () => {
  it("refuses a role with only the plugin's read action, as the Content Manager does", async () => {
    const token = await adminWith(app.strapi, 'Plugin readers', [READ]);
    // The reference: the Content Manager refuses this role.
    const viaContentManager = await app
      .http()
      .post(`/content-manager/collection-types/${MERCHANT_OFFER_UID}`)
      .set('Authorization', `Bearer ${token}`)
      .send({ merchant_id: 'org-readonlycm', name: 'x' });
    expect(viaContentManager.status).toBe(403);

    const res = await app
      .http()
      .post('/button-personalization/merchants/org-readonlyrole/draft')
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ data: null, error: { status: 403, name: 'ForbiddenError' } });
    expect(await rows('org-readonlyrole')).toEqual([]);
    // Reading the page still works with read alone.
    await app.http().get('/button-personalization/merchants').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('refuses a role whose Content Manager create permission covers another locale only', async () => {
    await app.strapi.plugin('i18n').service('locales').create({ code: 'fr', name: 'French (fr)' });
    const token = await adminWith(app.strapi, 'French editors', [READ, cmCreate(['fr'])]);
    const res = await app
      .http()
      .post('/button-personalization/merchants/org-frenchonly/draft')
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(await rows('org-frenchonly')).toEqual([]);
  });

  it('creates the draft (201) for a role that also has the Content Manager create permission, as its author', async () => {
    const token = await adminWith(app.strapi, 'Merchant editors', [READ, cmCreate(['en'])]);
    const res = await app
      .http()
      .post('/button-personalization/merchants/org-editorcreates/draft')
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ document_id: expect.any(String), created: true });
    const [row, ...others] = await rows('org-editorcreates');
    expect(others).toEqual([]);
    expect(row).toMatchObject({ documentId: res.body.data.document_id, locale: 'en', publishedAt: null });
    const withAuthor = (await app.strapi.db.query(MERCHANT_OFFER_UID as never).findOne({
      where: { merchant_id: 'org-editorcreates' },
      populate: ['createdBy'],
    })) as { createdBy: { lastname: string } | null };
    expect(withAuthor.createdBy).toMatchObject({ lastname: 'Merchant editors' });
  });

  it('still answers the existing entry (200) to a read-only role: that creates nothing', async () => {
    const token = await adminWith(app.strapi, 'Late readers', [READ]);
    const res = await app
      .http()
      .post('/button-personalization/merchants/org-editorcreates/draft')
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ created: false });
  });
});

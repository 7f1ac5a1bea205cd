import { createButtonSimulator, ICON_PNG, MERCHANTS } from '../../../simulator';

/** The simulator's Merchants API over a real socket: auth, the list envelope, cursors, faults, icons, run-time changes. */
const KEY = 'sim_catalogue_key';
const auth = { authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}` };
let sim: ReturnType<typeof createButtonSimulator>;

beforeEach(async () => {
  sim = createButtonSimulator({ apiKey: KEY, merchantsPageSize: 4 });
  await sim.start();
});
afterEach(() => sim.stop());

async function get(path: string, headers: Record<string, string> = auth) {
  const res = await fetch(`${sim.url}${path}`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}
const json = async (path: string, headers?: Record<string, string>) => {
  const res = await get(path, headers);
  return { status: res.status, body: JSON.parse(res.body.toString('utf8')) };
};

describe('simulator Merchants API', () => {
  it('pages through the approved brands with the list envelope and absolute next links', async () => {
    const first = await json('/v1/merchants?status=approved');
    expect(first.status).toBe(200);
    expect(first.body.meta).toMatchObject({ status: 'ok', previous: null });
    expect(first.body.objects).toHaveLength(4);
    expect(first.body.meta.next).toMatch(new RegExp(`^${sim.url}/v1/merchants\\?`));
    const next = new URL(first.body.meta.next);
    const second = await json(`${next.pathname}${next.search}`);
    expect(second.body.meta.next).toBeNull();
    expect(second.body.meta.previous).not.toBeNull();
    const ids = [...first.body.objects, ...second.body.objects].map((brand: { id: string }) => brand.id);
    expect(ids).toEqual(MERCHANTS.map((merchant) => merchant.merchant_id).sort());
    expect(first.body.objects[0].icon_url).toBe(`${sim.url}/__simulator/icons/${ids[0]}.png`);
    expect(sim.stats().merchantsRequests).toBe(2);
  });

  it('refuses a bad key, an unknown status and a tampered cursor; serves other statuses', async () => {
    expect((await json('/v1/merchants', {})).status).toBe(401);
    expect((await json('/v1/merchants?status=gone')).status).toBe(400);
    const first = await json('/v1/merchants');
    const cursor = new URL(first.body.meta.next).searchParams.get('cursor')!;
    expect((await json(`/v1/merchants?status=available&cursor=${encodeURIComponent(cursor)}`)).status).toBe(400);
    expect((await json(`/v1/merchants?cursor=${encodeURIComponent(`x${cursor}`)}`)).status).toBe(400);
    expect((await json('/v1/merchants?status=available')).body.objects).toHaveLength(2);
  });

  it("meets faults on route 'merchants' only", async () => {
    sim.faults.set({ rules: [{ kind: 'status', status: 503, route: 'merchants', times: 1 }] });
    expect((await json('/v1/merchants')).status).toBe(503);
    expect((await json('/v1/merchants')).status).toBe(200);
  });

  it('changes at run time, in-process and over HTTP', async () => {
    sim.catalogue.put({ id: 'org-added1', name: 'Added Brand' });
    const put = await fetch(`${sim.url}/__simulator/catalogue/${MERCHANTS[0]!.merchant_id}`, {
      method: 'PUT',
      body: JSON.stringify({ name: 'Changed Brand' }),
    });
    expect(put.status).toBe(200);
    const removed = await fetch(`${sim.url}/__simulator/catalogue/${MERCHANTS[1]!.merchant_id}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    const listed = await json('/__simulator/catalogue');
    const names = listed.body.objects.map((brand: { name: string }) => brand.name);
    expect(names).toContain('Added Brand');
    expect(names).toContain('Changed Brand');
    expect(listed.body.objects).toHaveLength(MERCHANTS.length);
    await fetch(`${sim.url}/__simulator/catalogue`, { method: 'DELETE' });
    expect(sim.catalogue.list()).toHaveLength(MERCHANTS.length);
  });

  it('serves icons and the refusal samples', async () => {
    const icon = await get(`/__simulator/icons/${MERCHANTS[0]!.merchant_id}.png`, {});
    expect(icon).toMatchObject({ status: 200, type: 'image/png' });
    expect(icon.body.equals(ICON_PNG)).toBe(true);
    expect((await get('/__simulator/icons/samples/large.png', {})).body.length).toBe(2 * 1024 * 1024);
    expect((await get('/__simulator/icons/samples/vector.svg', {})).type).toBe('image/svg+xml');
    const html = await get('/__simulator/icons/samples/html.png', {});
    expect(html.type).toBe('image/png');
    expect(html.body.toString()).toContain('<html>');
    expect((await get('/__simulator/icons/nothing.png', {})).status).toBe(404);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { downloadIcon, isPrivateAddress } from '../../../server/src/catalogue/icon';

/** The icon download never reaches into the server's own network unless allowed (SSRF through a catalogue entry). */
describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.9.9.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254', // cloud metadata
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'not-an-address',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    }
  );
});

describe('downloadIcon and private hosts', () => {
  let server: http.Server;
  let port: number;
  let requests = 0;
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(PNG);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const options = { maxBytes: 1_024, timeoutMs: 5_000 };

  it('refuses a private address literal without connecting', async () => {
    const before = requests;
    await expect(downloadIcon(`http://127.0.0.1:${port}/icon.png`, options)).rejects.toMatchObject({
      code: 'ICON_HOST_REFUSED',
      status: 422,
    });
    expect(requests).toBe(before);
  });

  it('refuses a name that resolves to a private address, without connecting', async () => {
    const before = requests;
    await expect(downloadIcon(`http://localhost:${port}/icon.png`, options)).rejects.toMatchObject({ code: 'ICON_HOST_REFUSED' });
    expect(requests).toBe(before);
  });

  it('downloads from a private host when allowed (a local simulator, an internal mirror)', async () => {
    const icon = await downloadIcon(`http://localhost:${port}/icon.png`, { ...options, allowPrivateHosts: true });
    expect(icon).toEqual({ bytes: PNG, type: 'image/png' });
  });
});

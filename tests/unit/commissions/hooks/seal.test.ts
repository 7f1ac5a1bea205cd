import { sealCustomerId, unsealCustomerId } from '../../../../server/src/commissions/hooks/seal';

/** The sealed user id of a pending hook delivery: AES-256-GCM under a key derived from the webhook secret. */
const SECRET = 'whsec-unit';

describe('sealCustomerId / unsealCustomerId', () => {
  it.each(['reader-1', 'a', 'ünïcödé user ✓', 'x'.repeat(255)])('round-trips %j', (id) => {
    expect(unsealCustomerId(sealCustomerId(id, SECRET), SECRET)).toBe(id);
  });

  it('holds no clear text: neither the id nor its base64 forms appear in the sealed string', () => {
    const id = 'reader-1234567890';
    const sealed = sealCustomerId(id, SECRET);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    for (const form of [id, Buffer.from(id).toString('base64'), Buffer.from(id).toString('base64url'), SECRET]) {
      expect(sealed).not.toContain(form);
    }
  });

  it('uses a fresh nonce: the same id seals differently each time', () => {
    expect(sealCustomerId('reader-1', SECRET)).not.toBe(sealCustomerId('reader-1', SECRET));
  });

  it('answers null under another secret (a rotated webhook secret)', () => {
    expect(unsealCustomerId(sealCustomerId('reader-1', SECRET), 'whsec-rotated')).toBeNull();
  });

  it('answers null for a tampered value (the tag is checked)', () => {
    const [version, iv, data, tag] = sealCustomerId('reader-1', SECRET).split('.') as [string, string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      return bytes.toString('base64url');
    };
    expect(unsealCustomerId([version, iv, flip(data), tag].join('.'), SECRET)).toBeNull();
    expect(unsealCustomerId([version, flip(iv), data, tag].join('.'), SECRET)).toBeNull();
    expect(unsealCustomerId([version, iv, data, flip(tag)].join('.'), SECRET)).toBeNull();
    expect(unsealCustomerId([version, iv, data, tag.slice(0, 4)].join('.'), SECRET)).toBeNull(); // truncated tag
  });

  // Node accepts GCM tags of 4 to 16 bytes unless the length is pinned: the first 4 bytes of the real tag opened the
  // value (a forgery in about 2^32 tries instead of 2^128) until unsealCustomerId pinned 16.
  it('refuses a truncated tag, even one that is a prefix of the real tag', () => {
    const [version, iv, data, tag] = sealCustomerId('reader-1', SECRET).split('.') as [string, string, string, string];
    const prefix = Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url');
    expect(unsealCustomerId([version, iv, data, prefix].join('.'), SECRET)).toBeNull();
  });

  it.each(['', 'v1', 'v1.a.b', 'v2.a.b.c', 'not sealed at all', 'v1...'])('answers null for malformed %j', (sealed) => {
    expect(unsealCustomerId(sealed, SECRET)).toBeNull();
  });
});

import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, isStreamConsumed, readRawBody } from '../../../../server/src/commissions/intake/raw-body';

function request(chunks: Buffer[], headers: Record<string, string> = {}): IncomingMessage {
  const stream = new PassThrough();
  Object.assign(stream, { headers });
  process.nextTick(() => {
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
  });
  return stream as unknown as IncomingMessage;
}

describe('readRawBody', () => {
  it('returns the exact bytes, across chunks, including invalid UTF-8', async () => {
    const bytes = [Buffer.from('{"a":'), Buffer.from([0xff, 0xfe]), Buffer.from('1}')];
    const raw = await readRawBody(request(bytes), 1024);
    expect(raw.equals(Buffer.concat(bytes))).toBe(true);
  });

  it('refuses a declared length over the limit without reading', async () => {
    await expect(readRawBody(request([Buffer.alloc(10)], { 'content-length': '2048' }), 1024)).rejects.toBeInstanceOf(
      BodyTooLargeError
    );
  });

  it('refuses a streamed body that grows over the limit', async () => {
    await expect(readRawBody(request([Buffer.alloc(600), Buffer.alloc(600)]), 1024)).rejects.toMatchObject({
      code: 'BODY_TOO_LARGE',
      limit: 1024,
    });
  });

  it('tells a consumed stream from a fresh one', async () => {
    const req = request([Buffer.from('{}')]);
    expect(isStreamConsumed(req)).toBe(false);
    await readRawBody(req, 1024);
    expect(isStreamConsumed(req)).toBe(true);
  });
});

import { IconImportError, type DownloadedIcon } from '../../../server/src/catalogue/icon';
import { createIconPreviews } from '../../../server/src/catalogue/icon-preview';

/** What the admin's icon previews keep and for how long (the download itself: icon.test.ts and the integration suite). */
const PNG: DownloadedIcon = { type: 'image/png', bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]) };
const OPTIONS = { maxBytes: 1024, timeoutMs: 1000 };

function previewsWith(
  download: (url: string | null) => Promise<DownloadedIcon>,
  extra: { refusalTtlMs?: number; maxCacheBytes?: number } = {}
) {
  const calls: Array<string | null> = [];
  const previews = createIconPreviews({
    download: (url) => {
      calls.push(url);
      return download(url);
    },
    downloadOptions: () => OPTIONS,
    ...extra,
  });
  return { previews, calls };
}

describe('icon previews', () => {
  it('answers a data URL and shares one download between concurrent requests', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { previews, calls } = previewsWith(async () => {
      await gate;
      return PNG;
    });
    const pending = Array.from({ length: 10 }, () => previews.get('org-a', 'https://icons.example/a.png'));
    release();
    const answers = await Promise.all(pending);
    expect(new Set(answers.map((answer) => answer.preview.data_url))).toEqual(
      new Set([`data:image/png;base64,${PNG.bytes.toString('base64')}`])
    );
    expect(new Set(answers.map((answer) => answer.etag)).size).toBe(1);
    expect(calls).toEqual(['https://icons.example/a.png']);
  });

  it('keys by merchant and URL: a new icon URL downloads again', async () => {
    const { previews, calls } = previewsWith(async () => PNG);
    await previews.get('org-a', 'https://icons.example/a.png');
    await previews.get('org-a', 'https://icons.example/a2.png');
    await previews.get('org-b', 'https://icons.example/a2.png');
    await previews.get('org-a', 'https://icons.example/a2.png');
    expect(calls).toHaveLength(3);
  });

  it('keeps a refusal for a short while, then tries again', async () => {
    const { previews, calls } = previewsWith(
      async () => {
        throw new IconImportError('ICON_TYPE_REFUSED', 'served as image/svg+xml', 415);
      },
      { refusalTtlMs: 50 }
    );
    for (let i = 0; i < 3; i += 1)
      await expect(previews.get('org-a', 'https://icons.example/a.svg')).rejects.toMatchObject({
        code: 'ICON_TYPE_REFUSED',
        status: 415,
      });
    expect(calls).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await expect(previews.get('org-a', 'https://icons.example/a.svg')).rejects.toBeInstanceOf(IconImportError);
    expect(calls).toHaveLength(2);
  });

  it('keeps nothing for an unexpected error', async () => {
    const { previews, calls } = previewsWith(async () => {
      throw new Error('bug');
    });
    await expect(previews.get('org-a', 'https://icons.example/a.png')).rejects.toThrow('bug');
    await expect(previews.get('org-a', 'https://icons.example/a.png')).rejects.toThrow('bug');
    expect(calls).toHaveLength(2);
  });

  it('holds no more than its byte budget: the least recently used icon goes first', async () => {
    const size = `data:image/png;base64,${PNG.bytes.toString('base64')}`.length;
    const { previews, calls } = previewsWith(async () => PNG, { maxCacheBytes: size * 2 });
    await previews.get('org-a', 'a');
    await previews.get('org-b', 'b');
    await previews.get('org-a', 'a'); // a is now the most recent
    await previews.get('org-c', 'c'); // evicts b
    await previews.get('org-a', 'a');
    expect(calls).toEqual(['a', 'b', 'c']);
    await previews.get('org-b', 'b');
    expect(calls).toEqual(['a', 'b', 'c', 'b']);
  });
});

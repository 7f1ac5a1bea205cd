import { hasHiddenUrlParts, redactUrl } from '../../../server/src/config/redact-url';

describe('redactUrl', () => {
  it.each([
    ['https://pubapi.usebutton.com', 'https://pubapi.usebutton.com'],
    ['https://pubapi.usebutton.com/', 'https://pubapi.usebutton.com'],
    ['http://user:pass@127.0.0.1:9400', 'http://127.0.0.1:9400'],
    ['http://user@127.0.0.1:9400/proxy/button/', 'http://127.0.0.1:9400/proxy/button/'],
    ['https://u%40x:p%3Ass@proxy.example.com:8443/b?token=abc#frag', 'https://proxy.example.com:8443/b'],
    ['HTTPS://USER:PASS@Example.COM', 'https://example.com'],
    ['ftp://user:pass@files.example.com/dir', 'ftp://files.example.com/dir'],
    ['not a url user:pass@', '(invalid URL)'],
  ])('%s -> %s', (input, expected) => {
    const redacted = redactUrl(input);
    expect(redacted).toBe(expected);
    expect(redacted).not.toMatch(/user|pass|token|frag/i);
  });

  it('says when a URL carries parts it drops', () => {
    expect(hasHiddenUrlParts('https://pubapi.usebutton.com')).toBe(false);
    expect(hasHiddenUrlParts('https://pubapi.usebutton.com/v/')).toBe(false);
    expect(hasHiddenUrlParts('http://user:pass@host')).toBe(true);
    expect(hasHiddenUrlParts('http://user@host')).toBe(true);
    expect(hasHiddenUrlParts('http://host/?key=1')).toBe(true);
    expect(hasHiddenUrlParts('nonsense')).toBe(false);
  });
});

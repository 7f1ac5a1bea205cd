import { enablePluginIn, PLUGIN_BLOCK } from '../../install/app-config';
import { chooseVersions, LOCKSTEP, scaffolderFor } from '../../install/strapi-versions';

/** Every lockstep package published at these versions, create-strapi-app at others. */
function registry(versions: string[], createStrapiApp: string[], overrides: Record<string, string[]> = {}) {
  return {
    ...Object.fromEntries(LOCKSTEP.map((name) => [name, [...versions]])),
    'create-strapi-app': createStrapiApp,
    ...overrides,
  };
}

describe('which Strapi versions the install test runs', () => {
  it('runs the floor of the peer range and the newest version in it, each scaffolded by the closest create-strapi-app', () => {
    const published = registry(['5.0.0', '5.31.2', '5.31.3', '5.40.0', '5.54.0', '6.0.0'], ['5.26.0', '5.40.0', '5.54.0']);
    expect(chooseVersions('^5.31.3', published)).toEqual([
      { strapi: '5.31.3', createStrapiApp: '5.26.0' },
      { strapi: '5.54.0', createStrapiApp: '5.54.0' },
    ]);
  });

  it('skips a newest @strapi/strapi whose siblings are not all published (not installable), and prereleases', () => {
    const published = registry(['5.31.3', '5.54.0'], ['5.26.0', '5.54.0', '5.55.0'], {
      '@strapi/strapi': ['5.31.3', '5.54.0', '5.55.0', '5.55.1', '5.56.0-beta.1'],
      '@strapi/utils': ['5.31.3', '5.54.0', '5.55.0'],
    });
    expect(chooseVersions('^5.31.3', published).map((target) => target.strapi)).toEqual(['5.31.3', '5.54.0']);
  });

  it('fails, naming what is missing, when the declared floor itself cannot be installed', () => {
    const published = registry(['5.31.3', '5.54.0'], ['5.54.0'], { '@strapi/admin': ['5.54.0'] });
    expect(() => chooseVersions('^5.31.3', published)).toThrow('@strapi/admin 5.31.3 not published');
  });

  it('never scaffolds with a newer or another major create-strapi-app', () => {
    const published = registry([], ['4.25.0', '5.26.0', '5.40.0']);
    expect(scaffolderFor('5.31.3', published)).toBe('5.26.0');
    expect(() => scaffolderFor('5.1.0', { ...published, 'create-strapi-app': ['4.25.0', '5.26.0'] })).toThrow(
      'no create-strapi-app 5.x'
    );
  });
});

describe("the README's plugin block added to a scaffold's config/plugins", () => {
  it('adds it to an empty JavaScript config, giving the function the env helper', () => {
    const config = enablePluginIn('module.exports = () => ({});\n');
    expect(config).toBe(`module.exports = ({ env }) => ({\n${PLUGIN_BLOCK}});\n`);
    const evaluate = new Function('module', 'env', `${config}; return module.exports({ env });`) as (
      module: { exports?: (helpers: { env: (name: string) => string }) => Record<string, unknown> },
      env: (name: string) => string
    ) => Record<string, { enabled: boolean; config: Record<string, string> }>;
    const env = (name: string) => `<${name}>`;
    expect(evaluate({}, env)['button-personalization'].config.apiKey).toBe('<BUTTON_API_KEY>');
  });

  it('keeps what the scaffold configures (TypeScript, with other plugins)', () => {
    const scaffold = 'export default ({ env }) => ({\n  upload: {\n    config: {},\n  },\n});\n';
    const config = enablePluginIn(scaffold);
    expect(
      config.startsWith("export default ({ env }) => ({\n  upload: {\n    config: {},\n  },\n  'button-personalization'")
    ).toBe(true);
    expect(config.endsWith('  },\n});\n')).toBe(true);
  });
});

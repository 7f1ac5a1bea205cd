import type { StrapiApp } from '@strapi/strapi/admin';
import { LiveOfferPanel } from './components/LiveOfferPanel';
import { PluginIcon } from './components/PluginIcon';
import { ANY_PLUGIN_PERMISSION } from './permissions';
import { PLUGIN_ID } from './pluginId';
import { getTranslation } from './utils/getTranslation';

type TranslationModule = { default: Record<string, string> };

/**
 * Admin entry: one menu entry (merchants, live preview, pubRef debugger, commissions, health, settings as tabs),
 * shown to roles holding at least one of the plugin's actions. Each page checks its own action again, and the
 * server enforces them on every route.
 */
export default {
  register(app: StrapiApp) {
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: PluginIcon,
      intlLabel: { id: getTranslation('plugin.name'), defaultMessage: 'Button Personalization' },
      Component: () => import('./pages/App'),
      permissions: ANY_PLUGIN_PERMISSION,
    });
    app.registerPlugin({ id: PLUGIN_ID, name: PLUGIN_ID });
  },

  /** The live offer beside a merchant-offer in the Content Manager's edit view (its own RBAC check inside). */
  bootstrap(app: StrapiApp) {
    const contentManager = app.getPlugin('content-manager') as unknown as {
      apis: { addEditViewSidePanel(panels: unknown[]): void };
    };
    contentManager.apis.addEditViewSidePanel([LiveOfferPanel]);
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = (await import(`./translations/${locale}.json`)) as TranslationModule;
          const prefixed = Object.fromEntries(Object.entries(data).map(([key, value]) => [`${PLUGIN_ID}.${key}`, value]));
          return { data: prefixed, locale };
        } catch {
          return { data: {}, locale };
        }
      })
    );
  },
};

import type { ComponentType } from 'react';
import type { StrapiApp } from '@strapi/strapi/admin';
import { LiveOfferPanel } from './components/LiveOfferPanel';
import { PluginIcon } from './components/PluginIcon';
import { ANY_PLUGIN_PERMISSION } from './permissions';
import { PLUGIN_ID } from './pluginId';
import { getTranslation } from './utils/getTranslation';

type TranslationModule = { default: Record<string, string> };

/** The custom field merchant_id uses: the name the server registers (server/src/catalogue/merchant-field.ts). */
const MERCHANT_FIELD_NAME = 'merchant-id';

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
    // merchant_id's input in the Content Manager: the catalogue picker (server/src/catalogue/merchant-field.ts).
    app.customFields.register({
      name: MERCHANT_FIELD_NAME,
      pluginId: PLUGIN_ID,
      type: 'string',
      intlLabel: { id: getTranslation('picker.field.label'), defaultMessage: 'Button merchant' },
      intlDescription: {
        id: getTranslation('picker.field.description'),
        defaultMessage: "A Button merchant id (org-...), picked by name from the plugin's brand catalogue or typed",
      },
      icon: PluginIcon,
      components: { Input: () => import('./components/MerchantPicker') as Promise<{ default: ComponentType }> },
    });
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

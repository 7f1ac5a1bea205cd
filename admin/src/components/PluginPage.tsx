import type { ReactNode } from 'react';
import { Box, Tabs } from '@strapi/design-system';
import { Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import { useNavigate } from 'react-router-dom';
import { PERMISSIONS } from '../permissions';
import { pluginPath, type Tab } from '../utils/paths';
import { useT, type Translate } from '../utils/useT';

/** Which action each tab needs (the same one its API routes require). */
const TAB_PERMISSIONS: Record<Tab, keyof typeof PERMISSIONS> = {
  merchants: 'read',
  preview: 'preview',
  'pub-refs': 'debug',
  commissions: 'read',
  health: 'read',
  settings: 'settings',
};

export const tabLabel = (t: Translate, tab: Tab) =>
  ({
    merchants: t('tabs.merchants', 'Merchants'),
    preview: t('tabs.preview', 'Live preview'),
    'pub-refs': t('tabs.pub-refs', 'pubRef debugger'),
    commissions: t('tabs.commissions', 'Commissions'),
    health: t('tabs.health', 'Health'),
    settings: t('tabs.settings', 'Settings'),
  })[tab];

/** The tabs a user's role may open, in menu order. */
export function useAllowedTabs(): { tabs: Tab[]; isLoading: boolean } {
  const { allowedActions, isLoading } = useRBAC(PERMISSIONS);
  const allowed = allowedActions as Record<string, boolean>;
  const tabs = (Object.keys(TAB_PERMISSIONS) as Tab[]).filter((tab) => {
    const action = TAB_PERMISSIONS[tab];
    return allowed[`can${action[0].toUpperCase()}${action.slice(1)}`];
  });
  return { tabs, isLoading };
}

/** Renders a page only for roles holding its tab's action (before the page fetches anything). */
export function ProtectTab({ tab, children }: { tab: Tab; children: ReactNode }) {
  return <Page.Protect permissions={PERMISSIONS[TAB_PERMISSIONS[tab]]}>{children}</Page.Protect>;
}

interface PluginPageProps {
  tab: Tab;
  /** What the page's own header says under the plugin name. */
  subtitle: string;
  primaryAction?: ReactNode;
  navigationAction?: ReactNode;
  children: ReactNode;
}

/**
 * The frame every page shares: the document title, the plugin header, the tab bar (only tabs the role may
 * open) and the page body.
 */
export function PluginPage({ tab, subtitle, primaryAction, navigationAction, children }: PluginPageProps) {
  const t = useT();
  const navigate = useNavigate();
  const { tabs } = useAllowedTabs();
  return (
    <Page.Main>
      <Page.Title>{`${tabLabel(t, tab)} - ${t('plugin.name', 'Button Personalization')}`}</Page.Title>
      <Layouts.Header
        title={t('plugin.name', 'Button Personalization')}
        subtitle={subtitle}
        primaryAction={primaryAction}
        navigationAction={navigationAction}
      />
      <Box paddingLeft={10} paddingRight={10} paddingBottom={4}>
        <Tabs.Root value={tab} onValueChange={(value: string) => navigate(pluginPath(value))} variant="simple">
          <Tabs.List aria-label={t('tabs.label', 'Button Personalization pages')}>
            {tabs.map((name) => (
              <Tabs.Trigger key={name} value={name}>
                {tabLabel(t, name)}
              </Tabs.Trigger>
            ))}
          </Tabs.List>
        </Tabs.Root>
      </Box>
      <Layouts.Content>{children}</Layouts.Content>
    </Page.Main>
  );
}

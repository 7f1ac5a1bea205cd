import { useCallback, useState } from 'react';
import { Flex } from '@strapi/design-system';
import { useRBAC } from '@strapi/strapi/admin';
import { CATALOGUE_OPERATIONS, CONTENT_MANAGER_CREATE, MEDIA_LIBRARY_UPLOAD } from '../../permissions';
import { PluginPage } from '../../components/PluginPage';
import { useT } from '../../utils/useT';
import { CatalogueSyncBar } from './CatalogueSyncBar';
import { CatalogueWorkspace } from './CatalogueWorkspace';
import { SeenMerchants } from './SeenMerchants';

/**
 * The Merchants page: the mapping workspace over Button's brand catalogue (the sync, the brands with their entries
 * per locale, the orphaned entries), then what Button's offers included recently, catalogue or not.
 */
export function MerchantsPage() {
  const t = useT();
  // Three checks: their actions share a last segment (`create`), which names useRBAC's flags.
  const { allowedActions: operations } = useRBAC(CATALOGUE_OPERATIONS);
  const { allowedActions: contentManager } = useRBAC(CONTENT_MANAGER_CREATE);
  const { allowedActions: mediaLibrary } = useRBAC(MEDIA_LIBRARY_UPLOAD);
  const allowed = (actions: object, flag: string) => (actions as Record<string, boolean>)[flag] === true;
  const [refreshKey, setRefreshKey] = useState(0);
  const onSyncFinished = useCallback(() => setRefreshKey((key) => key + 1), []);

  return (
    <PluginPage
      tab="merchants"
      subtitle={t(
        'catalogue.subtitle',
        "Every brand Button partners with, mapped to your merchant-offer entries per locale; then what Button's offers included recently."
      )}
    >
      <Flex direction="column" alignItems="stretch" gap={6}>
        <CatalogueSyncBar canSync={allowed(operations, 'canCatalogue')} onSyncFinished={onSyncFinished} />
        <CatalogueWorkspace
          refreshKey={refreshKey}
          permissions={{
            canImport: allowed(operations, 'canImport'),
            canCreate: allowed(contentManager, 'canCreate'),
            canUpload: allowed(mediaLibrary, 'canCreate'),
          }}
        />
        <SeenMerchants />
      </Flex>
    </PluginPage>
  );
}

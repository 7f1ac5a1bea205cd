import { useState } from 'react';
import { Badge, Box, Button, Field, Flex, TextInput, Typography } from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { useForm, useRBAC } from '@strapi/strapi/admin';
import type { PanelComponent } from '@strapi/content-manager/strapi-admin';
import { fillHeadline, formatRate } from '../../../server/src/offers/headline';
import type { MerchantOffersView } from '../../../server/src/contracts/offers';
import { usePreview } from '../api/preview';
import { PERMISSIONS } from '../permissions';
import { PLUGIN_ID } from '../pluginId';
import { useT } from '../utils/useT';
import { ApiErrorAlert } from './ApiErrorAlert';

const MERCHANT_OFFER_UID = `plugin::${PLUGIN_ID}.merchant-offer`;
const DEFAULT_TEST_USER = 'preview-user';

interface EntryValues {
  merchant_id?: string;
  name?: string;
  headline_template?: string;
}

/**
 * The live offer beside a merchant-offer being edited: what the offers endpoint would serve a test user right now
 * for this merchant (Button called for real, on demand: never on each keystroke), with the headline filled from the
 * template as it is in the form, saved or not. Behind the plugin's preview action, like the Live preview tab.
 */
function LiveOffer({ locale }: { locale: string }) {
  const t = useT();
  const values = useForm('LiveOfferPanel', (state) => state.values as EntryValues);
  const [userId, setUserId] = useState(DEFAULT_TEST_USER);
  const preview = usePreview();
  const merchantId = values.merchant_id?.trim() ?? '';

  // A button, not a form: the panel sits inside the Content Manager's own form, and a nested form's submit would
  // submit (save) the entry instead.
  const run = () => {
    if (!merchantId || !userId.trim()) return;
    void preview.mutate({ user_id: userId.trim(), merchant_id: merchantId, locale });
  };

  const served: MerchantOffersView | undefined = preview.data?.data.find((entry) => entry.merchant_id === merchantId);
  const template = values.headline_template?.trim() || null;
  const name = values.name?.trim() || served?.merchant?.name || merchantId;

  return (
    <Flex direction="column" alignItems="stretch" gap={3} width="100%">
      <Box>
        <Flex direction="column" alignItems="stretch" gap={2}>
          <Field.Root name="live-offer-user" hint={t('livePanel.user.hint', 'Any id: Button answers for that user.')}>
            <Field.Label>{t('livePanel.user', 'Test user id')}</Field.Label>
            <TextInput value={userId} onChange={(event: { target: { value: string } }) => setUserId(event.target.value)} />
            <Field.Hint />
          </Field.Root>
          <Button
            type="button"
            onClick={run}
            startIcon={<Play />}
            loading={preview.isLoading}
            disabled={!merchantId || !userId.trim()}
          >
            {t('livePanel.run', 'Show the live offer')}
          </Button>
          {!merchantId ? (
            <Typography variant="pi" textColor="neutral600">
              {t('livePanel.noMerchant', 'Set the merchant id first.')}
            </Typography>
          ) : null}
        </Flex>
      </Box>
      {preview.error ? <ApiErrorAlert error={preview.error} /> : null}
      {preview.data && !served ? (
        <Typography variant="pi" textColor="neutral600">
          {t('livePanel.none', 'Button offers this user nothing from {merchant} right now.', { merchant: merchantId })}
        </Typography>
      ) : null}
      {served
        ? served.offers.map((offer) => (
            <Box key={offer.id} padding={3} hasRadius background="neutral100" data-testid="live-offer">
              <Flex direction="column" alignItems="stretch" gap={1}>
                <Flex gap={2}>
                  <Badge active>{formatRate(offer, locale)}</Badge>
                  <Typography variant="pi" textColor="neutral600">
                    {offer.id}
                  </Typography>
                </Flex>
                <Typography variant="omega" fontWeight="bold">
                  {template
                    ? fillHeadline(template, {
                        rate: formatRate(offer, locale),
                        name,
                        category: offer.display_params.category ?? '',
                        offer_type: offer.display_params.offer_type ?? '',
                        merchant_id: merchantId,
                      })
                    : (offer.headline ?? '')}
                </Typography>
                <Typography variant="pi" textColor="neutral600" style={{ overflowWrap: 'anywhere' }}>
                  {t('livePanel.pubRef', 'pubRef: {pubRef}', { pubRef: offer.pub_ref })}
                </Typography>
              </Flex>
            </Box>
          ))
        : null}
      {preview.data ? (
        <Typography variant="pi" textColor="neutral600">
          {t('livePanel.meta', 'Button answered in {ms} ms; nothing is cached.', {
            ms: Math.round(preview.data.meta.upstream_ms),
          })}
        </Typography>
      ) : null}
    </Flex>
  );
}

/** The panel itself: only on merchant-offer, only for roles holding the preview action. */
export const LiveOfferPanel: PanelComponent = ({ model, document }) => {
  const t = useT();
  const { allowedActions, isLoading } = useRBAC({ preview: PERMISSIONS.preview });
  if (model !== MERCHANT_OFFER_UID || isLoading || !allowedActions.canPreview) return null;
  const locale = typeof document?.locale === 'string' ? document.locale : 'en';
  return { title: t('livePanel.title', 'Live offer from Button'), content: <LiveOffer locale={locale} /> };
};

import { useState, type FormEvent } from 'react';
import {
  Badge,
  Box,
  Button,
  EmptyStateLayout,
  Flex,
  Grid,
  Table,
  Tbody,
  Td,
  Textarea,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { useNavigate } from 'react-router-dom';
import type { MerchantOffersView, OffersRequestBody } from '../../../../server/src/contracts/offers';
import { usePreview } from '../../api/preview';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { FormField } from '../../components/FormField';
import { PluginPage } from '../../components/PluginPage';
import { Section } from '../../components/Section';
import { StatCard } from '../../components/StatCard';
import { formatMs, splitList } from '../../utils/format';
import { pluginPath } from '../../utils/paths';
import { useT } from '../../utils/useT';

interface FormValues {
  user_id: string;
  device_ids: string;
  emails: string;
  merchant_id: string;
  locale: string;
}

/** The request body exactly as the public endpoint takes it; empty optional fields are left out. */
function toRequest(values: FormValues): OffersRequestBody {
  const body: OffersRequestBody = { user_id: values.user_id.trim() };
  const devices = splitList(values.device_ids);
  const emails = splitList(values.emails);
  if (devices.length) body.device_ids = devices;
  if (emails.length) body.emails = emails;
  if (values.merchant_id.trim()) body.merchant_id = values.merchant_id.trim();
  if (values.locale.trim()) body.locale = values.locale.trim();
  return body;
}

/** Type a user, see what the public offers endpoint answers for them: Button is called for real. */
export function PreviewPage() {
  const t = useT();
  const preview = usePreview();
  const [values, setValues] = useState<FormValues>({ user_id: '', device_ids: '', emails: '', merchant_id: '', locale: '' });
  const fieldErrors = preview.error?.fieldErrors ?? {};
  const errorOf = (name: string) =>
    Object.entries(fieldErrors).find(([path]) => path === name || path.startsWith(`${name}.`))?.[1];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void preview.mutate(toRequest(values));
  };
  const input = (name: keyof FormValues) => ({
    name,
    value: values[name],
    onChange: (event: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      setValues((previous) => ({ ...previous, [name]: event.target.value })),
  });
  const otherErrors = preview.error && Object.keys(fieldErrors).length === 0;

  return (
    <PluginPage tab="preview" subtitle={t('preview.subtitle', 'See exactly what the public offers endpoint answers for a user.')}>
      <Flex direction="column" alignItems="stretch" gap={6}>
        <Section title={t('preview.form.title', 'Who is asking')}>
          <form onSubmit={submit} aria-label={t('preview.form.title', 'Who is asking')}>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Grid.Root gap={4}>
                <FormField
                  name="user_id"
                  required
                  label={t('preview.userId.label', 'User id')}
                  hint={t('preview.userId.hint', 'The id you give the Button SDK.')}
                  error={errorOf('user_id')}
                  cols={[4, 12]}
                >
                  <TextInput {...input('user_id')} placeholder="user-1" />
                </FormField>
                <FormField
                  name="merchant_id"
                  label={t('preview.merchantId.label', 'Merchant id')}
                  hint={t('preview.merchantId.hint', 'Optional: one brand only.')}
                  error={errorOf('merchant_id')}
                  cols={[4, 12]}
                >
                  <TextInput {...input('merchant_id')} placeholder="org-..." />
                </FormField>
                <FormField
                  name="locale"
                  label={t('preview.locale.label', 'Locale')}
                  hint={t('preview.locale.hint', 'Optional: the default locale otherwise.')}
                  error={errorOf('locale')}
                  cols={[4, 12]}
                >
                  <TextInput {...input('locale')} placeholder="en" />
                </FormField>
                <FormField
                  name="device_ids"
                  label={t('preview.deviceIds.label', 'Device ids (IDFA / GAID)')}
                  hint={t('preview.list.hint', 'Optional; one per line or comma-separated.')}
                  error={errorOf('device_ids')}
                  cols={[6, 12]}
                >
                  <Textarea {...input('device_ids')} />
                </FormField>
                <FormField
                  name="emails"
                  label={t('preview.emails.label', 'Emails')}
                  hint={t('preview.emails.hint', 'Optional; hashed on the server, never stored.')}
                  error={errorOf('emails')}
                  cols={[6, 12]}
                >
                  <Textarea {...input('emails')} />
                </FormField>
              </Grid.Root>
              <Flex justifyContent="flex-end">
                <Button type="submit" startIcon={<Play />} loading={preview.isLoading} disabled={!values.user_id.trim()}>
                  {t('preview.submit', 'Run preview')}
                </Button>
              </Flex>
            </Flex>
          </form>
        </Section>
        {otherErrors ? <ApiErrorAlert error={preview.error!} /> : null}
        {preview.data ? <PreviewResult result={preview.data} /> : null}
        {!preview.data && !preview.error && !preview.isLoading ? (
          <EmptyStateLayout
            content={t('preview.empty', 'Enter a user id and run a preview: Button is called for real, nothing is cached.')}
          />
        ) : null}
      </Flex>
    </PluginPage>
  );
}

function PreviewResult({ result }: { result: NonNullable<ReturnType<typeof usePreview>['data']> }) {
  const t = useT();
  const navigate = useNavigate();
  const offerCount = result.data.reduce((sum, entry) => sum + entry.offers.length, 0);
  return (
    <Flex direction="column" alignItems="stretch" gap={4} data-testid="preview-result">
      <Grid.Root gap={4}>
        <Grid.Item col={3} s={6} xs={12}>
          <StatCard
            label={t('preview.meta.merchants', 'Merchants served')}
            value={result.data.length}
            testId="preview-merchants"
          />
        </Grid.Item>
        <Grid.Item col={3} s={6} xs={12}>
          <StatCard label={t('preview.meta.offers', 'Offers')} value={offerCount} />
        </Grid.Item>
        <Grid.Item col={3} s={6} xs={12}>
          <StatCard
            label={t('preview.meta.upstream', 'Button time')}
            value={formatMs(result.meta.upstream_ms)}
            testId="preview-upstream-ms"
          />
        </Grid.Item>
        <Grid.Item col={3} s={6} xs={12}>
          <StatCard label={t('preview.meta.attempts', 'Attempts')} value={result.meta.attempts} testId="preview-attempts" />
        </Grid.Item>
      </Grid.Root>
      <Typography variant="pi" textColor="neutral600">
        {t('preview.meta.request', 'Request {id}, fetched at {at}.', { id: result.meta.request_id, at: result.meta.fetched_at })}{' '}
        {result.meta.unmapped_merchant_ids.length
          ? t('preview.meta.unmapped', 'Left out (no published entry): {ids}.', {
              ids: result.meta.unmapped_merchant_ids.join(', '),
            })
          : ''}
      </Typography>
      {result.data.length === 0 ? (
        <EmptyStateLayout content={t('preview.noOffers', 'Button has no offer for this user that maps to a published entry.')} />
      ) : (
        result.data.map((entry) => (
          <MerchantOffers
            key={entry.merchant_id}
            entry={entry}
            onDecode={(pubRef) => navigate(`${pluginPath('pub-refs')}?pub_ref=${encodeURIComponent(pubRef)}`)}
          />
        ))
      )}
    </Flex>
  );
}

function MerchantOffers({ entry, onDecode }: { entry: MerchantOffersView; onDecode: (pubRef: string) => void }) {
  const t = useT();
  return (
    <Section
      title={entry.merchant?.name ?? entry.merchant_id}
      actions={
        <Flex gap={2}>
          <Typography variant="pi" textColor="neutral600">
            {entry.merchant_id}
          </Typography>
          {entry.merchant ? null : <Badge variant="warning">{t('merchants.status.unmapped', 'Unmapped')}</Badge>}
        </Flex>
      }
    >
      <Box data-testid={`preview-merchant-${entry.merchant_id}`}>
        <Table colCount={5} rowCount={entry.offers.length + 1}>
          <Thead>
            <Tr>
              <Th>
                <Typography variant="sigma">{t('preview.column.offer', 'Offer')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('preview.column.rate', 'Rate')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('preview.column.headline', 'Headline')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('preview.column.pubRef', 'pubRef')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('preview.column.actions', 'Debug')}</Typography>
              </Th>
            </Tr>
          </Thead>
          <Tbody>
            {entry.offers.map((offer) => (
              <Tr key={offer.id}>
                <Td>
                  <Flex direction="column" alignItems="flex-start" gap={1}>
                    <Typography fontWeight="semiBold">{offer.id}</Typography>
                    {offer.id === entry.best_offer_id ? <Badge variant="success">{t('preview.best', 'Best offer')}</Badge> : null}
                  </Flex>
                </Td>
                <Td>
                  <Typography>
                    {offer.rate_percent !== null
                      ? `${offer.rate_percent}%`
                      : offer.rate_fixed !== null
                        ? `${offer.rate_fixed} ${offer.currency ?? ''}`
                        : '-'}
                  </Typography>
                </Td>
                <Td>
                  <Typography>{offer.headline ?? '-'}</Typography>
                </Td>
                <Td>
                  <Typography variant="pi" tag="code" data-testid="preview-pub-ref" style={{ wordBreak: 'break-all' }}>
                    {offer.pub_ref}
                  </Typography>
                </Td>
                <Td>
                  <Button variant="tertiary" size="S" onClick={() => onDecode(offer.pub_ref)}>
                    {t('preview.decode', 'Decode')}
                  </Button>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      </Box>
    </Section>
  );
}

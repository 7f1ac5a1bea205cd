import { useEffect, useState, type FormEvent } from 'react';
import { Button, EmptyStateLayout, Flex, Grid, Radio, Textarea, TextInput, Typography } from '@strapi/design-system';
import { Magic, Search } from '@strapi/icons';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { PubRefBuildRequest } from '../../../../server/src/contracts/admin';
import { useBuildPubRef, useDecodePubRef } from '../../api/pub-refs';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { CommissionTable } from '../../components/CommissionTable';
import { DecodedPubRefView } from '../../components/DecodedPubRef';
import { FormField } from '../../components/FormField';
import { PluginPage } from '../../components/PluginPage';
import { KeyValueList, Section } from '../../components/Section';
import { pluginPath } from '../../utils/paths';
import { useT } from '../../utils/useT';

/** Decode a pubRef (fields, tag, the ledger rows carrying it) and build signed test pubRefs. */
export function PubRefsPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const initial = params.get('pub_ref') ?? '';
  const initialUser = params.get('user_id') ?? '';
  const [pubRef, setPubRef] = useState(initial);
  const [userId, setUserId] = useState(initialUser);
  const decode = useDecodePubRef();
  const navigate = useNavigate();

  const request = (value: string, user: string) => (user ? { pub_ref: value, user_id: user } : { pub_ref: value });

  // Opened from the live preview with ?pub_ref=...&user_id=...: decode it straight away.
  useEffect(() => {
    if (initial) void decode.mutate(request(initial, initialUser));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initial, initialUser]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = pubRef.trim();
    const user = userId.trim();
    if (!value) return;
    setParams(user ? { pub_ref: value, user_id: user } : { pub_ref: value }, { replace: true });
    if (value === initial && user === initialUser) void decode.mutate(request(value, user));
  };

  return (
    <PluginPage
      tab="pub-refs"
      subtitle={t('pubRefs.subtitle', 'Decode a pubRef, check its tag, find its commissions; build test pubRefs.')}
    >
      <Flex direction="column" alignItems="stretch" gap={6}>
        <Section title={t('pubRefs.decode.title', 'Decode a pubRef')}>
          <form onSubmit={submit} aria-label={t('pubRefs.decode.title', 'Decode a pubRef')}>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <FormField
                name="pub_ref"
                label={t('pubRefs.decode.label', 'pubRef')}
                error={decode.error?.fieldErrors.pub_ref}
                hint={t('pubRefs.decode.hint', 'As the frontend passed it to the Button SDK, or as a webhook brought it back.')}
              >
                <Textarea
                  value={pubRef}
                  onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => setPubRef(event.target.value)}
                  placeholder="b2~...~...~...~p6.4~offer-..."
                />
              </FormField>
              <FormField
                name="user_id"
                label={t('pubRefs.decode.user', 'User id (optional)')}
                error={decode.error?.fieldErrors.user_id}
                hint={t(
                  'pubRefs.decode.userHint',
                  'The user id the offers were fetched for (publisher_customer_id in webhooks). Without it the tag cannot be verified.'
                )}
              >
                <TextInput
                  value={userId}
                  onChange={(event: React.ChangeEvent<HTMLInputElement>) => setUserId(event.target.value)}
                  placeholder="user-1"
                />
              </FormField>
              <Flex justifyContent="flex-end">
                <Button type="submit" startIcon={<Search />} loading={decode.isLoading} disabled={!pubRef.trim()}>
                  {t('pubRefs.decode.submit', 'Decode')}
                </Button>
              </Flex>
            </Flex>
          </form>
        </Section>
        {decode.error && !decode.error.fieldErrors.pub_ref && !decode.error.fieldErrors.user_id ? (
          <ApiErrorAlert error={decode.error} />
        ) : null}
        {decode.data ? (
          <Section title={t('pubRefs.decoded.title', 'Decoded')}>
            <DecodedPubRefView decoded={decode.data.decoded} userId={decode.data.user_id} />
            <Typography variant="delta" tag="h3">
              {t('pubRefs.transactions.title', 'Commissions carrying it')}
            </Typography>
            {decode.data.transactions.length ? (
              <CommissionTable
                rows={decode.data.transactions}
                onOpen={(id) => navigate(`${pluginPath('commissions')}/${encodeURIComponent(id)}`)}
              />
            ) : (
              <EmptyStateLayout
                content={t('pubRefs.transactions.empty', 'No transaction in the ledger carries this pubRef yet.')}
              />
            )}
          </Section>
        ) : null}
        <BuildSection
          onDecode={(value, user) => {
            setPubRef(value);
            setUserId(user);
            setParams({ pub_ref: value, user_id: user }, { replace: true });
          }}
        />
      </Flex>
    </PluginPage>
  );
}

type BuildKind = 'percent' | 'fixed' | 'none';

function BuildSection({ onDecode }: { onDecode: (pubRef: string, userId: string) => void }) {
  const t = useT();
  const build = useBuildPubRef();
  const [user, setUser] = useState('');
  const [offerId, setOfferId] = useState('');
  const [kind, setKind] = useState<BuildKind>('percent');
  const [rate, setRate] = useState('');
  const [currency, setCurrency] = useState('USD');
  const errors = build.error?.fieldErrors ?? {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: PubRefBuildRequest = { user_id: user.trim(), offer_id: offerId.trim() };
    if (kind !== 'none' && rate.trim()) {
      if (kind === 'percent') body.rate_percent = rate.trim();
      else Object.assign(body, { rate_fixed: rate.trim(), currency: currency.trim().toUpperCase() });
    }
    void build.mutate(body);
  };

  return (
    <Section title={t('pubRefs.build.title', 'Build a test pubRef')}>
      <form onSubmit={submit} aria-label={t('pubRefs.build.title', 'Build a test pubRef')}>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Grid.Root gap={4}>
            <FormField
              name="build_user_id"
              label={t('pubRefs.build.user', 'User id')}
              required
              error={errors.user_id}
              hint={t('pubRefs.build.userHint', 'The pubRef is bound to this user: it is valid only on their transactions.')}
              cols={[12]}
            >
              <TextInput
                value={user}
                onChange={(event: React.ChangeEvent<HTMLInputElement>) => setUser(event.target.value)}
                placeholder="user-1"
              />
            </FormField>
            <FormField
              name="offer_id"
              label={t('pubRefs.build.offerId', 'Offer id')}
              required
              error={errors.offer_id}
              cols={[4, 12]}
            >
              <TextInput
                value={offerId}
                onChange={(event: React.ChangeEvent<HTMLInputElement>) => setOfferId(event.target.value)}
                placeholder="offer-..."
              />
            </FormField>
            <FormField name="rate_kind" label={t('pubRefs.build.kind', 'Rate kind')} cols={[3, 12]}>
              <Radio.Group
                value={kind}
                onValueChange={(value: string) => setKind(value as BuildKind)}
                aria-label={t('pubRefs.build.kind', 'Rate kind')}
              >
                <Radio.Item value="percent">{t('pubRefs.build.percent', 'Percent')}</Radio.Item>
                <Radio.Item value="fixed">{t('pubRefs.build.fixed', 'Fixed amount')}</Radio.Item>
                <Radio.Item value="none">{t('pubRefs.build.none', 'No rate')}</Radio.Item>
              </Radio.Group>
            </FormField>
            <FormField
              name="rate"
              label={t('pubRefs.build.rate', 'Rate')}
              error={errors.rate_percent ?? errors.rate_fixed}
              cols={[3, 12]}
            >
              <TextInput
                value={rate}
                disabled={kind === 'none'}
                onChange={(event: React.ChangeEvent<HTMLInputElement>) => setRate(event.target.value)}
                placeholder={kind === 'percent' ? '6.4' : '1.50'}
              />
            </FormField>
            <FormField name="currency" label={t('pubRefs.build.currency', 'Currency')} error={errors.currency} cols={[2, 12]}>
              <TextInput
                value={currency}
                disabled={kind !== 'fixed'}
                onChange={(event: React.ChangeEvent<HTMLInputElement>) => setCurrency(event.target.value)}
              />
            </FormField>
          </Grid.Root>
          <Flex justifyContent="flex-end">
            <Button
              type="submit"
              variant="secondary"
              startIcon={<Magic />}
              loading={build.isLoading}
              disabled={!offerId.trim() || !user.trim()}
            >
              {t('pubRefs.build.submit', 'Build')}
            </Button>
          </Flex>
        </Flex>
      </form>
      {build.error && Object.keys(errors).length === 0 ? <ApiErrorAlert error={build.error} /> : null}
      {build.data ? (
        <Flex direction="column" alignItems="stretch" gap={3}>
          <KeyValueList
            items={[
              { label: t('pubRefs.build.result', 'pubRef'), value: <code>{build.data.pub_ref}</code>, testId: 'built-pub-ref' },
              {
                label: t('pubRefs.build.length', 'Length'),
                value: t('pubRefs.build.lengthValue', '{length} of {max} characters', {
                  length: build.data.length,
                  max: build.data.max_length,
                }),
              },
            ]}
          />
          <Flex>
            <Button variant="tertiary" onClick={() => onDecode(build.data!.pub_ref, build.data!.user_id)}>
              {t('pubRefs.build.decode', 'Decode it above')}
            </Button>
          </Flex>
        </Flex>
      ) : null}
    </Section>
  );
}

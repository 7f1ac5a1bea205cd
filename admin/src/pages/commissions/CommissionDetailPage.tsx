import { Badge, EmptyStateLayout, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { BackButton, Page } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { useParams } from 'react-router-dom';
import type { CommissionRow } from '../../../../server/src/contracts/admin';
import { useCommission } from '../../api/commissions';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { CommissionStatusBadge, ConflictBadge, pubRefStatusLabel } from '../../components/CommissionTable';
import { rateLabel } from '../../components/DecodedPubRef';
import { PluginPage } from '../../components/PluginPage';
import { KeyValueList, Section } from '../../components/Section';
import { formatDateTime, formatMinor } from '../../utils/format';
import { pluginPath } from '../../utils/paths';
import { useT, type Translate } from '../../utils/useT';

const OUTCOME_VARIANT = { applied: 'success', stale: 'secondary', conflict: 'danger', ignored: 'neutral' } as const;

/** One transaction as the ledger holds it, with every webhook event that touched it. */
export function CommissionDetailPage() {
  const t = useT();
  const { locale } = useIntl();
  const { transactionId = '' } = useParams();
  const detail = useCommission(transactionId);

  if (detail.isLoading && !detail.data) return <Page.Loading />;
  const tx = detail.data?.transaction;
  const outcome = (value: string) =>
    ({
      applied: t('commissions.outcome.applied', 'Applied'),
      stale: t('commissions.outcome.stale', 'Stale (older than the ledger)'),
      conflict: t('commissions.outcome.conflict', 'Conflict (would change a final status; not applied)'),
      ignored: t('commissions.outcome.ignored', 'Ignored'),
    })[value] ?? value;

  return (
    <PluginPage
      tab="commissions"
      subtitle={t('commissions.detail.subtitle', 'Transaction {id}', { id: transactionId })}
      navigationAction={<BackButton disabled={false} fallback={pluginPath('commissions')} />}
    >
      <Flex direction="column" alignItems="stretch" gap={6}>
        {detail.error ? (
          detail.error.status === 404 ? (
            <EmptyStateLayout content={t('commissions.detail.notFound', 'No such transaction in the ledger.')} />
          ) : (
            <ApiErrorAlert error={detail.error} />
          )
        ) : null}
        {tx ? (
          <Section title={t('commissions.detail.title', 'Transaction')}>
            <KeyValueList
              items={[
                {
                  label: t('commissions.column.transaction', 'Transaction'),
                  value: tx.transaction_id,
                  testId: 'detail-transaction-id',
                },
                {
                  label: t('commissions.column.status', 'Status'),
                  value: (
                    <Flex gap={2} tag="span">
                      <CommissionStatusBadge status={tx.status} />
                      {Number(tx.conflict_count) > 0 ? (
                        <ConflictBadge count={Number(tx.conflict_count)} testId="detail-conflicts" />
                      ) : null}
                    </Flex>
                  ),
                },
                { label: t('commissions.column.brand', 'Brand'), value: tx.commerce_organization ?? '-' },
                { label: t('commissions.column.amount', 'Commission'), value: formatMinor(tx.amount, tx.currency, locale) },
                {
                  label: t('commissions.detail.orderTotal', 'Order total'),
                  value: formatMinor(tx.order_total, tx.order_currency, locale),
                },
                {
                  label: t('commissions.column.pubRef', 'pubRef'),
                  value: pubRefStatusLabel(t, tx.pub_ref_status),
                  testId: 'detail-pub-ref-status',
                },
                {
                  label: t('pubRefs.field.issuedAt', 'Issued'),
                  value: tx.pub_ref_issued_at
                    ? `${formatDateTime(String(tx.pub_ref_issued_at), locale)}${tx.pub_ref_stale ? ` (${t('commissions.pubRef.stale', 'Stale')})` : ''}`
                    : '-',
                },
                { label: t('pubRefs.field.offerId', 'Offer id'), value: tx.offer_id ?? '-' },
                {
                  label: t('pubRefs.field.clickId', 'Click id'),
                  value: (
                    <Flex gap={2} tag="span">
                      <span>{tx.click_id ?? '-'}</span>
                      {tx.click_id_transactions > 0 ? (
                        <Badge variant="warning" data-testid="detail-click-id-reuse">
                          {t(
                            'commissions.detail.clickIdReuse',
                            'Also on {count, plural, one {# other transaction} other {# other transactions}}',
                            {
                              count: tx.click_id_transactions,
                            }
                          )}
                        </Badge>
                      ) : null}
                    </Flex>
                  ),
                },
                {
                  label: t('pubRefs.field.rate', 'Rate shown'),
                  value: rowRate(t, tx, locale),
                },
                { label: t('commissions.detail.created', 'Created'), value: formatDateTime(tx.created_date, locale) },
                { label: t('commissions.column.modified', 'Last change'), value: formatDateTime(tx.modified_date, locale) },
                { label: t('commissions.detail.validated', 'Validated'), value: formatDateTime(tx.validated_date, locale) },
                {
                  label: t('commissions.detail.payload', 'Stored payload'),
                  value: tx.payload_sanitised
                    ? t('commissions.detail.payloadSanitised', 'Sanitised for storage (SHA-256 of the bytes received: {sha})', {
                        sha: String(tx.payload_sha256 ?? '-'),
                      })
                    : t('commissions.detail.payloadAsReceived', 'As received (SHA-256: {sha})', {
                        sha: String(tx.payload_sha256 ?? '-'),
                      }),
                },
              ]}
            />
          </Section>
        ) : null}
        {detail.data ? (
          <Section title={t('commissions.detail.events', 'Webhook events, oldest first')}>
            <Table colCount={5} rowCount={detail.data.events.length + 1} data-testid="detail-events">
              <Thead>
                <Tr>
                  <Th>
                    <Typography variant="sigma">{t('commissions.event.type', 'Event')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('commissions.event.status', 'Status carried')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('commissions.event.outcome', 'Outcome')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('commissions.event.modified', "Button's date")}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('commissions.event.id', 'Event id')}</Typography>
                  </Th>
                </Tr>
              </Thead>
              <Tbody>
                {detail.data.events.map((event) => (
                  <Tr key={event.event_id} data-testid={`event-${event.outcome}`}>
                    <Td>
                      <Typography fontWeight="semiBold">{event.event_type}</Typography>
                    </Td>
                    <Td>{event.status ? <CommissionStatusBadge status={event.status} /> : <Typography>-</Typography>}</Td>
                    <Td>
                      <Badge variant={OUTCOME_VARIANT[event.outcome] ?? 'neutral'}>{outcome(event.outcome)}</Badge>
                    </Td>
                    <Td>
                      <Typography>{formatDateTime(event.modified_date, locale)}</Typography>
                    </Td>
                    <Td>
                      <Typography variant="pi">{event.event_id}</Typography>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          </Section>
        ) : null}
      </Flex>
    </PluginPage>
  );
}

/** The rate columns of a ledger row, every kind the pubRef can carry. */
function rowRate(t: Translate, row: Pick<CommissionRow, 'rate_kind' | 'rate_value' | 'rate_currency'>, locale: string): string {
  switch (row.rate_kind) {
    case null:
      return '-';
    case 'percent':
      return rateLabel(t, { kind: 'percent', value: row.rate_value ?? '' }, locale);
    case 'fixed':
      return rateLabel(t, { kind: 'fixed', value: row.rate_value ?? '', currency: row.rate_currency }, locale);
    default:
      return rateLabel(t, { kind: row.rate_kind }, locale);
  }
}

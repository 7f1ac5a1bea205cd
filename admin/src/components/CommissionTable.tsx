import { Badge, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import type { CommissionStatus, PubRefStatus, PubRefTransactionRow } from '../../../server/src/contracts/admin';
import { formatDateTime, formatMinor } from '../utils/format';
import { useT, type Translate } from '../utils/useT';

const STATUS_VARIANT: Record<CommissionStatus, 'warning' | 'success' | 'danger'> = {
  pending: 'warning',
  validated: 'success',
  declined: 'danger',
};

export const commissionStatusLabel = (t: Translate, status: string) =>
  ({
    pending: t('commissions.status.pending', 'Pending'),
    validated: t('commissions.status.validated', 'Validated'),
    declined: t('commissions.status.declined', 'Declined'),
  })[status] ?? status;

export function CommissionStatusBadge({ status }: { status: string }) {
  const t = useT();
  return <Badge variant={STATUS_VARIANT[status as CommissionStatus] ?? 'neutral'}>{commissionStatusLabel(t, status)}</Badge>;
}

/**
 * Ledger rows (a full `CommissionRow` or the pubRef debugger's narrower rows); a row opens its transaction's
 * detail when `onOpen` is given.
 */
export function CommissionTable({ rows, onOpen }: { rows: PubRefTransactionRow[]; onOpen?: (transactionId: string) => void }) {
  const t = useT();
  const { locale } = useIntl();
  return (
    <Table colCount={6} rowCount={rows.length + 1}>
      <Thead>
        <Tr>
          <Th>
            <Typography variant="sigma">{t('commissions.column.transaction', 'Transaction')}</Typography>
          </Th>
          <Th>
            <Typography variant="sigma">{t('commissions.column.status', 'Status')}</Typography>
          </Th>
          <Th>
            <Typography variant="sigma">{t('commissions.column.brand', 'Brand')}</Typography>
          </Th>
          <Th>
            <Typography variant="sigma">{t('commissions.column.amount', 'Commission')}</Typography>
          </Th>
          <Th>
            <Typography variant="sigma">{t('commissions.column.pubRef', 'pubRef')}</Typography>
          </Th>
          <Th>
            <Typography variant="sigma">{t('commissions.column.modified', 'Last change')}</Typography>
          </Th>
        </Tr>
      </Thead>
      <Tbody>
        {rows.map((row) => (
          <Tr
            key={row.transaction_id}
            data-testid={`commission-row-${row.transaction_id}`}
            onClick={onOpen ? () => onOpen(row.transaction_id) : undefined}
            style={onOpen ? { cursor: 'pointer' } : undefined}
          >
            <Td>
              <Typography fontWeight="semiBold">{row.transaction_id}</Typography>
            </Td>
            <Td>
              <Flex gap={2}>
                <CommissionStatusBadge status={row.status} />
                {row.conflict_count > 0 ? (
                  <ConflictBadge count={row.conflict_count} testId={`conflicts-${row.transaction_id}`} />
                ) : null}
              </Flex>
            </Td>
            <Td>
              <Typography>{row.commerce_organization ?? '-'}</Typography>
            </Td>
            <Td>
              <Typography>{formatMinor(row.amount, row.currency, locale)}</Typography>
            </Td>
            <Td>
              <Flex gap={2}>
                <Typography>{pubRefStatusLabel(t, row.pub_ref_status)}</Typography>
                {row.pub_ref_stale ? <Badge variant="warning">{t('commissions.pubRef.stale', 'Stale')}</Badge> : null}
              </Flex>
            </Td>
            <Td>
              <Typography>{formatDateTime(row.modified_date, locale)}</Typography>
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}

/** Events that would have moved a final transaction to another status: recorded, not applied. */
export function ConflictBadge({ count, testId }: { count: number; testId?: string }) {
  const t = useT();
  return (
    <Badge variant="danger" data-testid={testId}>
      {t('commissions.conflicts.badge', '{count, plural, one {# conflict} other {# conflicts}}', { count })}
    </Badge>
  );
}

/** Every status the ledger stores (a row from an older version may hold another string: shown as is). */
export const pubRefStatusLabel = (t: Translate, status: PubRefStatus): string => {
  const labels: Record<PubRefStatus, string> = {
    valid: t('commissions.pubRef.valid', 'Signed, valid for this user'),
    invalid: t('commissions.pubRef.invalid', 'Signature invalid (changed, or another user)'),
    unsigned: t('commissions.pubRef.unsigned', 'Unsigned'),
    unverified: t('commissions.pubRef.unverified', 'Signed, not verifiable (no user id)'),
    unbound: t('commissions.pubRef.unbound', 'Signed by 0.1.0, not bound to a user'),
    unreadable: t('commissions.pubRef.unreadable', 'Not ours / unreadable'),
    absent: t('commissions.pubRef.absent', 'No pubRef'),
  };
  return labels[status] ?? status;
};

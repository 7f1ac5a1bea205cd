import { Badge, Button, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography, VisuallyHidden } from '@strapi/design-system';
import { Download, Pencil, Plus, WarningCircle } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { CatalogueRow, LocaleState } from '../../../../server/src/contracts/admin';
import { formatDateTime } from '../../utils/format';
import { useT, type Translate } from '../../utils/useT';
import { BrandIcon } from '../../components/BrandIcon';

export interface BrandActions {
  /** The role holds `import`: the row actions show. */
  canImport: boolean;
  /** ... and the Content Manager's create permission on merchant-offer. */
  canCreate: boolean;
  /** ... and the Media Library's upload permission. */
  canUpload: boolean;
  /** The merchant id whose action is in flight. */
  busy: { create: string | null; icon: string | null };
  onCreate: (row: CatalogueRow) => void;
  onImportIcon: (row: CatalogueRow) => void;
  onEdit: (documentId: string) => void;
}

const LOCALE_VARIANT: Record<LocaleState, 'success' | 'secondary' | 'neutral'> = {
  published: 'success',
  draft: 'secondary',
  missing: 'neutral',
};

const localeStateLabel = (t: Translate, state: LocaleState) =>
  ({
    published: t('catalogue.locale.published', 'Published'),
    draft: t('catalogue.locale.draft', 'Draft'),
    missing: t('catalogue.locale.missing', 'Missing'),
  })[state];

/** The brands of the catalogue: icon, name and id, the entry per locale, recently offered, removed, actions. */
export function BrandTable({ rows, actions }: { rows: CatalogueRow[]; actions: BrandActions }) {
  const t = useT();
  const { locale } = useIntl();
  const header = (text: string) => (
    <Th>
      <Typography variant="sigma">{text}</Typography>
    </Th>
  );
  return (
    <Table colCount={6} rowCount={rows.length + 1}>
      <Thead>
        <Tr>
          <Th>
            <VisuallyHidden>{t('catalogue.column.icon', 'Icon')}</VisuallyHidden>
          </Th>
          {header(t('catalogue.column.brand', 'Brand'))}
          {header(t('catalogue.column.entries', 'Entry per locale'))}
          {header(t('catalogue.column.offered', 'Offered by Button'))}
          {header(t('catalogue.column.status', 'In the catalogue'))}
          <Th>
            <VisuallyHidden>{t('catalogue.column.actions', 'Actions')}</VisuallyHidden>
          </Th>
        </Tr>
      </Thead>
      <Tbody>
        {rows.map((row) => (
          <Tr
            key={row.merchant_id}
            data-testid={`catalogue-row-${row.merchant_id}`}
            data-mapping={row.mapping}
            data-status={row.status}
          >
            <Td>
              <BrandIcon merchantId={row.merchant_id} url={row.icon_url} name={row.name} />
            </Td>
            <Td>
              <Flex direction="column" alignItems="flex-start" gap={1}>
                <Typography fontWeight="semiBold" data-testid="brand-name">
                  {row.name}
                </Typography>
                <Typography variant="pi" textColor="neutral600">
                  {row.merchant_id}
                </Typography>
              </Flex>
            </Td>
            <Td>
              <Flex gap={1} wrap="wrap">
                {row.locales.map((entry) => (
                  <Badge
                    key={entry.locale ?? 'default'}
                    variant={LOCALE_VARIANT[entry.state]}
                    data-testid={`brand-locale-${entry.locale ?? 'default'}`}
                    data-state={entry.state}
                  >
                    {entry.locale === null
                      ? localeStateLabel(t, entry.state)
                      : `${entry.locale}: ${localeStateLabel(t, entry.state)}`}
                  </Badge>
                ))}
              </Flex>
            </Td>
            <Td>
              <Typography
                textColor={row.offered.recently ? 'neutral800' : 'neutral500'}
                data-testid="brand-offered"
                data-recently={String(row.offered.recently)}
              >
                {row.offered.recently && row.offered.last_seen_at
                  ? t('catalogue.offered.recently', 'Recently, last {date}', {
                      date: formatDateTime(row.offered.last_seen_at, locale),
                    })
                  : t('catalogue.offered.not', 'Not recently')}
              </Typography>
            </Td>
            <Td>
              <Flex gap={2} wrap="wrap">
                {row.status === 'removed' ? (
                  <Badge variant="danger" data-testid="brand-removed">
                    {t('catalogue.status.removed', 'Removed')}
                  </Badge>
                ) : (
                  <Badge variant="success">{t('catalogue.status.partnered', 'Partnered')}</Badge>
                )}
                {row.flagged ? (
                  <Flex
                    gap={1}
                    data-testid="brand-flagged"
                    title={t('catalogue.flagged.hint', 'An entry still exists for a brand Button no longer partners with')}
                  >
                    <WarningCircle fill="danger600" aria-hidden />
                    <Typography variant="pi" textColor="danger600">
                      {t('catalogue.flagged.label', 'Entry to review')}
                    </Typography>
                  </Flex>
                ) : null}
              </Flex>
            </Td>
            <Td>
              <RowActions row={row} actions={actions} />
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}

function RowActions({ row, actions }: { row: CatalogueRow; actions: BrandActions }) {
  const t = useT();
  const documentId = row.document_id;
  return (
    <Flex justifyContent="flex-end" gap={2}>
      {documentId ? (
        <Button
          variant="tertiary"
          size="S"
          startIcon={<Pencil />}
          onClick={() => actions.onEdit(documentId)}
          data-testid="brand-edit"
        >
          {t('merchants.action.edit', 'Edit entry')}
        </Button>
      ) : actions.canImport ? (
        <Button
          variant="default"
          size="S"
          startIcon={<Plus />}
          loading={actions.busy.create === row.merchant_id}
          disabled={!actions.canCreate}
          title={
            actions.canCreate
              ? undefined
              : t('merchants.action.createForbidden', "Needs the Content Manager's Create permission on Merchant offer")
          }
          onClick={() => actions.onCreate(row)}
          data-testid="brand-create"
        >
          {t('merchants.action.create', 'Create entry')}
        </Button>
      ) : null}
      {actions.canImport ? (
        <Button
          variant="secondary"
          size="S"
          startIcon={<Download />}
          loading={actions.busy.icon === row.merchant_id}
          disabled={!actions.canUpload || !row.icon_url}
          title={
            !actions.canUpload
              ? t('catalogue.action.importForbidden', "Needs the Media Library's permission to upload files")
              : row.icon_url
                ? t('catalogue.action.importHint', 'Downloads the icon into the Media Library and sets it as the logo')
                : t('catalogue.action.noIcon', 'The catalogue has no icon for this brand')
          }
          onClick={() => actions.onImportIcon(row)}
          data-testid="brand-import-icon"
        >
          {t('catalogue.action.importIcon', 'Import icon')}
        </Button>
      ) : null}
    </Flex>
  );
}

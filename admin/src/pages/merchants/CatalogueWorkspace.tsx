import { useState } from 'react';
import { Alert, Box, EmptyStateLayout, Flex, Loader, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { useNotification } from '@strapi/strapi/admin';
import { useNavigate } from 'react-router-dom';
import type { BrandMapping, CatalogueListQuery, CatalogueRow } from '../../../../server/src/contracts/admin';
import { useCatalogue, useCreateCatalogueEntry, useImportIcon } from '../../api/catalogue';
import { contentManagerEditPath } from '../../api/merchants';
import type { ApiError } from '../../api/request';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PagerControls } from '../../components/PagerControls';
import { SearchField } from '../../components/SearchField';
import { StatGrid } from '../../components/StatCard';
import { useT, type Translate } from '../../utils/useT';
import { BrandTable, type BrandActions } from './BrandTable';
import { OrphanedEntries } from './OrphanedEntries';

const PAGE_SIZE = 10;

type Filters = Pick<CatalogueListQuery, 'mapping' | 'status' | 'offered'>;

interface CatalogueWorkspaceProps {
  /** Changes when a sync finished: the workspace is read again. */
  refreshKey: number;
  permissions: Pick<BrandActions, 'canImport' | 'canCreate' | 'canUpload'>;
}

const mappingLabel = (t: Translate, mapping: BrandMapping) =>
  ({
    mapped: t('catalogue.mapping.mapped', 'Mapped in every locale'),
    partial: t('catalogue.mapping.partial', 'Partly mapped (drafts or some locales)'),
    unmapped: t('catalogue.mapping.unmapped', 'No entry'),
  })[mapping];

/**
 * The mapping workspace: the stored catalogue's brands with their entry per locale, filtered and paged by the
 * server, the counts, the row actions (create a prefilled entry, import the icon) and the orphaned entries.
 */
export function CatalogueWorkspace({ refreshKey, permissions }: CatalogueWorkspaceProps) {
  const t = useT();
  const navigate = useNavigate();
  const { toggleNotification } = useNotification();
  const [q, setQ] = useState('');
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const catalogue = useCatalogue({ q: q || undefined, ...filters, page, pageSize: PAGE_SIZE }, refreshKey);
  const create = useCreateCatalogueEntry();
  const importIcon = useImportIcon();
  // The row whose action is in flight or answered last: the mutations say whether and how it went.
  const [createFor, setCreateFor] = useState<CatalogueRow | null>(null);
  const [iconFor, setIconFor] = useState<CatalogueRow | null>(null);
  const busy = {
    create: create.isLoading ? (createFor?.merchant_id ?? null) : null,
    icon: importIcon.isLoading ? (iconFor?.merchant_id ?? null) : null,
  };

  const filter = (change: Filters) => {
    setFilters((previous) => ({ ...previous, ...change }));
    setPage(1);
  };

  const onCreate = async (row: CatalogueRow) => {
    setCreateFor(row);
    const created = await create.mutate(row.merchant_id);
    if (!created) return;
    toggleNotification({
      type: 'success',
      message: t(
        'catalogue.entry.created',
        'Draft entry created for {brand}, prefilled from the catalogue: review it and publish it.',
        {
          brand: row.name,
        }
      ),
    });
    catalogue.refetch(); // the row now links to the entry
  };

  const onImportIcon = async (row: CatalogueRow) => {
    setIconFor(row);
    const imported = await importIcon.mutate(row.merchant_id);
    if (!imported) return;
    toggleNotification({
      type: 'success',
      message: imported.assigned_document_id
        ? t('catalogue.icon.imported.assigned', "{brand}'s icon is in the Media Library and is now its entry's logo.", {
            brand: row.name,
          })
        : t('catalogue.icon.imported', "{brand}'s icon is in the Media Library ({file}).", {
            brand: row.name,
            file: imported.file.name,
          }),
    });
  };

  const data = catalogue.data;
  const counts = data?.meta.counts;
  const rows = data?.data ?? [];
  const filtered = Boolean(q) || Object.values(filters).some((value) => value !== undefined);

  return (
    <Flex direction="column" alignItems="stretch" gap={6} data-testid="catalogue-workspace">
      {catalogue.error ? <ApiErrorAlert error={catalogue.error} /> : null}
      {create.error ? <ApiErrorAlert error={create.error} onClose={create.reset} /> : null}
      {importIcon.error ? (
        <IconImportAlert brand={iconFor?.name ?? ''} error={importIcon.error} onClose={importIcon.reset} />
      ) : null}
      {counts ? (
        <StatGrid
          cols={[2, 4, 6]}
          items={(
            [
              ['total', t('catalogue.count.total', 'Brands')],
              ['mapped', t('catalogue.count.mapped', 'Mapped')],
              ['partial', t('catalogue.count.partial', 'Partly mapped')],
              ['unmapped', t('catalogue.count.unmapped', 'No entry')],
              ['offered', t('catalogue.count.offered', 'Offered recently')],
              ['flagged', t('catalogue.count.flagged', 'Removed, entry to review')],
            ] as const
          ).map(([key, label]) => ({ id: key, testId: `catalogue-count-${key}`, label, value: counts[key] }))}
        />
      ) : null}
      <Flex gap={4} alignItems="flex-end" wrap="wrap">
        <SearchField
          label={t('catalogue.search.label', 'Search brands')}
          placeholder={t('catalogue.search.placeholder', 'Search by brand name or merchant id')}
          onSearch={(value) => {
            setQ(value);
            setPage(1);
          }}
        />
        <Box minWidth="240px">
          <SingleSelect
            aria-label={t('catalogue.filter.mapping', 'Mapping')}
            placeholder={t('catalogue.filter.mapping.all', 'Any mapping')}
            value={filters.mapping}
            onChange={(value: string | number) => filter({ mapping: String(value) as BrandMapping })}
            onClear={() => filter({ mapping: undefined })}
          >
            {(['mapped', 'partial', 'unmapped'] as const).map((value) => (
              <SingleSelectOption key={value} value={value}>
                {mappingLabel(t, value)}
              </SingleSelectOption>
            ))}
          </SingleSelect>
        </Box>
        <Box minWidth="200px">
          <SingleSelect
            aria-label={t('catalogue.filter.status', 'Partnership')}
            placeholder={t('catalogue.filter.status.all', 'Partnered and removed')}
            value={filters.status}
            onChange={(value: string | number) => filter({ status: String(value) as Filters['status'] })}
            onClear={() => filter({ status: undefined })}
          >
            <SingleSelectOption value="partnered">{t('catalogue.status.partnered', 'Partnered')}</SingleSelectOption>
            <SingleSelectOption value="removed">{t('catalogue.status.removed', 'Removed')}</SingleSelectOption>
          </SingleSelect>
        </Box>
        <Box minWidth="200px">
          <SingleSelect
            aria-label={t('catalogue.filter.offered', 'Offered by Button')}
            placeholder={t('catalogue.filter.offered.all', 'Offered or not')}
            value={filters.offered === undefined ? undefined : String(filters.offered)}
            onChange={(value: string | number) => filter({ offered: String(value) === 'true' })}
            onClear={() => filter({ offered: undefined })}
          >
            <SingleSelectOption value="true">{t('catalogue.filter.offered.true', 'Offered recently')}</SingleSelectOption>
            <SingleSelectOption value="false">{t('catalogue.filter.offered.false', 'Not offered recently')}</SingleSelectOption>
          </SingleSelect>
        </Box>
      </Flex>
      {!data && catalogue.isLoading ? (
        <Flex justifyContent="center" padding={6}>
          <Loader small>{t('catalogue.loading', 'Loading the catalogue...')}</Loader>
        </Flex>
      ) : rows.length === 0 ? (
        <Box data-testid="catalogue-empty">
          <EmptyStateLayout
            content={
              filtered
                ? t('catalogue.empty.filtered', 'No brand matches these filters.')
                : t('catalogue.empty.none', 'No brand stored yet: sync the catalogue to list the brands Button partners with.')
            }
          />
        </Box>
      ) : (
        <BrandTable
          rows={rows}
          actions={{ ...permissions, busy, onCreate, onImportIcon, onEdit: (id) => navigate(contentManagerEditPath(id)) }}
        />
      )}
      {data ? <PagerControls pagination={data.meta.pagination} onPage={setPage} /> : null}
      {data && data.meta.orphaned.length > 0 ? (
        <OrphanedEntries entries={data.meta.orphaned} onEdit={(id) => navigate(contentManagerEditPath(id))} />
      ) : null}
    </Flex>
  );
}

/** Each refusal of the icon import in words an editor can act on. */
function IconImportAlert({ brand, error, onClose }: { brand: string; error: ApiError; onClose: () => void }) {
  const t = useT();
  const messages: Record<string, string> = {
    ICON_MISSING: t('catalogue.icon.error.missing', 'The catalogue has no icon for this brand.'),
    ICON_TOO_LARGE: t(
      'catalogue.icon.error.tooLarge',
      'The icon is larger than the plugin accepts (the catalogue.iconMaxBytes option): nothing was stored.'
    ),
    ICON_TYPE_REFUSED: t(
      'catalogue.icon.error.type',
      'The icon is not a PNG, JPEG, WebP or GIF image (SVG is refused: it can carry scripts): nothing was stored.'
    ),
    ICON_CONTENT_MISMATCH: t(
      'catalogue.icon.error.mismatch',
      'The file served as the icon is not the image it claims to be: nothing was stored.'
    ),
    ICON_UNREACHABLE: t(
      'catalogue.icon.error.unreachable',
      "The icon could not be downloaded from Button's URL (no answer, or an error): try again later."
    ),
  };
  const known = error.code !== null ? messages[error.code] : undefined;
  if (!known) return <ApiErrorAlert error={error} onClose={onClose} />;
  return (
    <Alert
      variant="danger"
      title={t('catalogue.icon.error.title', "{brand}'s icon was not imported", { brand })}
      closeLabel={t('actions.close', 'Close')}
      onClose={onClose}
      role="alert"
      data-testid="catalogue-icon-error"
      data-code={error.code}
    >
      <Typography>{known}</Typography>
    </Alert>
  );
}

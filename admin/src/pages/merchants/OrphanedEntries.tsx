import { Button, Table, Tbody, Td, Th, Thead, Tr, Typography, VisuallyHidden } from '@strapi/design-system';
import { Pencil } from '@strapi/icons';
import type { OrphanedEntry } from '../../../../server/src/contracts/admin';
import { Section } from '../../components/Section';
import { useT } from '../../utils/useT';

/** Entries whose merchant is not in the stored catalogue at all: a typo in the id, or a brand never partnered. */
export function OrphanedEntries({ entries, onEdit }: { entries: OrphanedEntry[]; onEdit: (documentId: string) => void }) {
  const t = useT();
  return (
    <Section
      title={t('catalogue.orphaned.title', 'Entries for merchants not in the catalogue ({count})', { count: entries.length })}
    >
      <Typography variant="omega" textColor="neutral600">
        {t(
          'catalogue.orphaned.intro',
          "These merchant-offer entries name a merchant id Button's catalogue does not list: check the id, or remove the entry."
        )}
      </Typography>
      <Table colCount={4} rowCount={entries.length + 1} data-testid="catalogue-orphaned">
        <Thead>
          <Tr>
            <Th>
              <Typography variant="sigma">{t('catalogue.orphaned.name', 'Entry')}</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">{t('merchants.column.merchant', 'Merchant id')}</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">{t('merchants.column.locales', 'Locales')}</Typography>
            </Th>
            <Th>
              <VisuallyHidden>{t('catalogue.column.actions', 'Actions')}</VisuallyHidden>
            </Th>
          </Tr>
        </Thead>
        <Tbody>
          {entries.map((entry) => (
            <Tr key={entry.document_id} data-testid={`catalogue-orphan-${entry.merchant_id}`}>
              <Td>
                <Typography fontWeight="semiBold">{entry.name}</Typography>
              </Td>
              <Td>
                <Typography>{entry.merchant_id}</Typography>
              </Td>
              <Td>
                <Typography>{entry.locales.filter((locale) => locale !== null).join(', ') || '-'}</Typography>
              </Td>
              <Td>
                <Button variant="tertiary" size="S" startIcon={<Pencil />} onClick={() => onEdit(entry.document_id)}>
                  {t('merchants.action.edit', 'Edit entry')}
                </Button>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </Section>
  );
}

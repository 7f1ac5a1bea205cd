import { Combobox, ComboboxOption, Field } from '@strapi/design-system';
import { useField, useRBAC } from '@strapi/strapi/admin';
import { useCatalogueSearch, useDebounced } from '../api/merchant-picker';
import { PERMISSIONS } from '../permissions';
import { useT } from '../utils/useT';
import { BrandOptionContent, CurrentBrand, PlainMerchantInput, type MerchantFieldProps } from './MerchantPickerParts';

/** The server's rule for merchant_id (schema.json): only such a value is worth looking up. */
const MERCHANT_ID = /^org-[A-Za-z0-9_-]+$/;
const SEARCH_DELAY_MS = 250;

/**
 * The catalogue picker: a combobox searching the synced brands by name or id as the editor types, each option with
 * icon, name, id and a mark when Button removed the brand. Whatever is typed or pasted is the value (a custom value
 * is allowed), so an id not in the catalogue is kept; picking a brand stores its id. The text in the box is always
 * the stored id: the brand's name shows under the field.
 */
function CataloguePicker(props: MerchantFieldProps) {
  const { name, label, hint, labelAction, required, disabled, placeholder } = props;
  const t = useT();
  const field = useField<string>(name);
  const value = typeof field.value === 'string' ? field.value : '';
  const query = useDebounced(value.trim(), SEARCH_DELAY_MS);
  const search = useCatalogueSearch(query);

  if (search.down) return <PlainMerchantInput {...props} down={search.down} />;

  const set = (next: string) => field.onChange(name, next);
  const current = search.brands.find((brand) => brand.merchant_id === value.trim());
  // Only once the search for this very id has answered: no "unknown" flash while the editor types.
  const unknown = !current && search.answered === value.trim() && MERCHANT_ID.test(value.trim());

  return (
    <Field.Root name={name} error={field.error} hint={hint} required={required}>
      <Field.Label action={labelAction}>{label}</Field.Label>
      <Combobox
        // The primitive filters options against the text only with 'list' / 'both': the server has filtered them.
        autocomplete="none"
        allowCustomValue
        value={value || undefined}
        textValue={value}
        onTextValueChange={set}
        onChange={(picked?: string) => {
          if (typeof picked === 'string') set(picked);
        }}
        onClear={() => set('')}
        clearLabel={t('picker.clear', 'Clear the merchant id')}
        disabled={disabled}
        placeholder={placeholder ?? t('picker.placeholder', 'Search the catalogue by name or id, or type an id')}
        loading={search.answered !== query}
        loadingMessage={t('picker.loading', 'Searching the catalogue...')}
        // The primitive may keep this line under server-filtered options it has not counted yet: it must read true
        // either way, so it says how many brands match rather than "none".
        noOptionsMessage={() =>
          search.brands.length === 0
            ? t('picker.noMatch', 'No brand in the catalogue matches: what you type is kept as the id.')
            : t('picker.matches', '{count, plural, one {# brand matches} other {# brands match}} in the catalogue', {
                count: search.brands.length,
              })
        }
      >
        {search.brands.map((brand) => (
          <ComboboxOption key={brand.merchant_id} value={brand.merchant_id} textValue={brand.merchant_id}>
            <BrandOptionContent brand={brand} />
          </ComboboxOption>
        ))}
      </Combobox>
      <Field.Hint />
      <Field.Error />
      <CurrentBrand brand={current} unknown={unknown} />
    </Field.Root>
  );
}

/**
 * merchant_id's input in the Content Manager (the plugin's `merchant-id` custom field). The catalogue needs the
 * plugin's read action: without it the editor gets the plain input at once, and no request is made.
 */
export default function MerchantPicker(props: MerchantFieldProps) {
  const { allowedActions, isLoading } = useRBAC({ read: PERMISSIONS.read });
  if (isLoading) return <PlainMerchantInput {...props} down={null} />;
  if (!allowedActions.canRead) return <PlainMerchantInput {...props} down="forbidden" />;
  return <CataloguePicker {...props} />;
}

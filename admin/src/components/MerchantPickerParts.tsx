import type { ReactNode } from 'react';
import { Avatar, Badge, Field, Flex, TextInput, Typography } from '@strapi/design-system';
import { useField } from '@strapi/strapi/admin';
import { useBrandIconSrc } from '../api/catalogue';
import type { CatalogueDown, PickerBrand } from '../api/merchant-picker';
import { useT } from '../utils/useT';

/** The props the Content Manager gives a custom field's input (with the form state read through useField). */
export interface MerchantFieldProps {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  labelAction?: ReactNode;
  required?: boolean;
  disabled?: boolean;
  placeholder?: string;
}

/** The brand's icon (served by the plugin; its initial until then or when it cannot be shown), name, id and status. */
export function BrandOptionContent({ brand }: { brand: PickerBrand }) {
  const t = useT();
  const icon = useBrandIconSrc(brand.merchant_id, brand.icon_url);
  return (
    <Flex gap={2} justifyContent="space-between" data-testid="merchant-picker-option">
      <Flex gap={2}>
        <Avatar.Item src={icon} alt="" fallback={brand.name.slice(0, 1).toUpperCase()} delayMs={0} />
        <Flex direction="column" alignItems="flex-start">
          <Typography ellipsis>{brand.name}</Typography>
          <Typography variant="pi" textColor="neutral600">
            {brand.merchant_id}
          </Typography>
        </Flex>
      </Flex>
      {brand.removed ? (
        <Badge backgroundColor="danger100" textColor="danger700">
          {t('picker.removed', 'Removed')}
        </Badge>
      ) : null}
    </Flex>
  );
}

/** Under the field: the brand the id stands for, whether Button removed it, or that the catalogue does not know it. */
export function CurrentBrand({ brand, unknown }: { brand: PickerBrand | undefined; unknown: boolean }) {
  const t = useT();
  if (brand) {
    return (
      <Typography variant="pi" textColor={brand.removed ? 'danger600' : 'neutral600'} data-testid="merchant-picker-current">
        {brand.removed
          ? t('picker.current.removed', "{name}: no longer in Button's catalogue", { name: brand.name })
          : t('picker.current', 'Brand: {name}', { name: brand.name })}
      </Typography>
    );
  }
  if (!unknown) return null;
  return (
    <Typography variant="pi" textColor="warning600" data-testid="merchant-picker-current">
      {t('picker.unknown', 'Not in the synced catalogue: check the id.')}
    </Typography>
  );
}

/**
 * The fallback: Strapi's plain text input for the id, with a short note saying why there is no picker. The value is
 * the same string either way, so the form is never blocked.
 */
export function PlainMerchantInput({
  name,
  label,
  hint,
  labelAction,
  required,
  disabled,
  placeholder,
  down,
}: MerchantFieldProps & {
  down: CatalogueDown | null;
}) {
  const t = useT();
  const field = useField<string>(name);
  const notes: Record<CatalogueDown, string> = {
    forbidden: t('picker.down.forbidden', 'Your role cannot read the brand catalogue: type or paste the merchant id (org-...).'),
    failed: t('picker.down.failed', 'The brand catalogue could not be loaded: type or paste the merchant id (org-...).'),
    empty: t('picker.down.empty', 'The brand catalogue has not been synced yet: type or paste the merchant id (org-...).'),
  };
  return (
    <Field.Root name={name} error={field.error} hint={hint} required={required}>
      <Field.Label action={labelAction}>{label}</Field.Label>
      <TextInput
        value={typeof field.value === 'string' ? field.value : ''}
        onChange={field.onChange}
        disabled={disabled}
        placeholder={placeholder}
        type="text"
      />
      <Field.Hint />
      <Field.Error />
      {down ? (
        <Typography variant="pi" textColor="neutral600" data-testid="merchant-picker-note">
          {notes[down]}
        </Typography>
      ) : null}
    </Field.Root>
  );
}

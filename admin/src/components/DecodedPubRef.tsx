import { Badge, Typography } from '@strapi/design-system';
import type { DecodedPubRef } from '../../../server/src/contracts/admin';
import { KeyValueList } from './Section';
import { useT } from '../utils/useT';

const SIGNATURE_VARIANT = { valid: 'success', invalid: 'danger', unsigned: 'secondary' } as const;

/** A decoded pubRef's fields, or why it could not be decoded. */
export function DecodedPubRefView({ decoded }: { decoded: DecodedPubRef }) {
  const t = useT();
  if (!decoded.ok) {
    return (
      <Typography textColor="danger600" data-testid="pub-ref-not-decoded">
        {t('pubRefs.decoded.notOurs', 'Not a pubRef this plugin issued ({reason}).', { reason: decoded.reason })}
      </Typography>
    );
  }
  const signature = {
    valid: t('pubRefs.signature.valid', 'Valid'),
    invalid: t('pubRefs.signature.invalid', 'Invalid'),
    unsigned: t('pubRefs.signature.unsigned', 'Unsigned'),
  }[decoded.signature];
  return (
    <KeyValueList
      items={[
        { label: t('pubRefs.field.offerId', 'Offer id'), value: decoded.offerId, testId: 'pub-ref-offer-id' },
        { label: t('pubRefs.field.clickId', 'Click id'), value: decoded.clickId, testId: 'pub-ref-click-id' },
        {
          label: t('pubRefs.field.rate', 'Rate shown'),
          value:
            decoded.rate.kind === 'percent'
              ? `${decoded.rate.value}%`
              : `${decoded.rate.value} ${decoded.rate.currency ?? ''}`.trim(),
          testId: 'pub-ref-rate',
        },
        {
          label: t('pubRefs.field.signature', 'Signature'),
          value: (
            <Badge variant={SIGNATURE_VARIANT[decoded.signature]} data-testid="pub-ref-signature">
              {signature}
            </Badge>
          ),
        },
        {
          label: t('pubRefs.field.tag', 'Tag'),
          value: (
            <Badge variant={decoded.tagValid ? 'success' : 'danger'} data-testid="pub-ref-tag">
              {decoded.tagValid ? t('pubRefs.tag.valid', 'Tag valid') : t('pubRefs.tag.invalid', 'Tag not valid')}
            </Badge>
          ),
        },
      ]}
    />
  );
}

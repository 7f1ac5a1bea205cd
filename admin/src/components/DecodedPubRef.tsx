import { Badge, Flex, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import type { DecodedPubRef, PubRefSignature, ShownRate } from '../../../server/src/contracts/admin';
import { formatDecimalMoney } from '../utils/format';
import { KeyValueList } from './Section';
import { useT, type Translate } from '../utils/useT';

const SIGNATURE_VARIANT: Record<PubRefSignature, 'success' | 'danger' | 'secondary' | 'warning'> = {
  valid: 'success',
  invalid: 'danger',
  unsigned: 'secondary',
  unverified: 'warning',
  unbound: 'warning',
};

/** The rate a pubRef carries, for every kind the codec produces (a new kind fails to compile here). */
export function rateLabel(t: Translate, rate: ShownRate, locale: string): string {
  switch (rate.kind) {
    case 'percent':
      return `${rate.value}%`;
    case 'fixed':
      return formatDecimalMoney(rate.value, rate.currency, locale);
    case 'none':
      return t('pubRefs.rate.none', 'No rate (the offer had none)');
    case 'unrepresentable':
      return t('pubRefs.rate.unrepresentable', 'Not carried (too long for the pubRef)');
  }
}

/** A decoded pubRef's fields, or why it could not be decoded. `userId`: who it was checked for, if anyone. */
export function DecodedPubRefView({ decoded, userId }: { decoded: DecodedPubRef; userId?: string | null }) {
  const t = useT();
  const { locale } = useIntl();
  if (!decoded.ok) {
    return (
      <Typography textColor="danger600" data-testid="pub-ref-not-decoded">
        {t('pubRefs.decoded.notOurs', 'Not a pubRef this plugin issued ({reason}).', { reason: decoded.reason })}
      </Typography>
    );
  }
  const signature = {
    valid: t('pubRefs.signature.valid', 'Valid for this user'),
    invalid: t('pubRefs.signature.invalid', 'Invalid (changed, issued to another user, or another secret)'),
    unsigned: t('pubRefs.signature.unsigned', 'Unsigned'),
    unverified: t('pubRefs.signature.unverified', 'Not verified: give the user id it was served to'),
    unbound: t('pubRefs.signature.unbound', 'Genuine 0.1.0 pubRef, bound to no user: never valid'),
  }[decoded.signature];
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <KeyValueList
        items={[
          { label: t('pubRefs.field.version', 'Format'), value: `b${decoded.version}`, testId: 'pub-ref-version' },
          { label: t('pubRefs.field.offerId', 'Offer id'), value: decoded.offerId, testId: 'pub-ref-offer-id' },
          { label: t('pubRefs.field.clickId', 'Click id'), value: decoded.clickId, testId: 'pub-ref-click-id' },
          { label: t('pubRefs.field.rate', 'Rate shown'), value: rateLabel(t, decoded.rate, locale), testId: 'pub-ref-rate' },
          {
            label: t('pubRefs.field.issuedAt', 'Issued'),
            value: decoded.issuedAt ?? t('pubRefs.issuedAt.unknown', 'Not carried (0.1.0 format)'),
            testId: 'pub-ref-issued-at',
          },
          {
            label: t('pubRefs.field.user', 'Checked for user'),
            value: userId ?? t('pubRefs.user.none', 'No user id given'),
            testId: 'pub-ref-user',
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
      {decoded.signature === 'unverified' ? (
        <Typography variant="pi" textColor="neutral600" data-testid="pub-ref-unverified-hint">
          {t(
            'pubRefs.decoded.unverifiedHint',
            'A pubRef is bound to the user it was served to: without that user id its tag cannot be checked.'
          )}
        </Typography>
      ) : null}
    </Flex>
  );
}

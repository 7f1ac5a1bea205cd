import { useCallback } from 'react';
import { useIntl } from 'react-intl';
import { getTranslation } from './getTranslation';

type Values = Record<string, string | number | boolean | null | undefined | Date>;

/**
 * `t(key, defaultMessage, values)`: formatMessage with the plugin prefix and a default message. Every key
 * used with it lives in translations/en.json (a unit test checks keys and defaults agree).
 */
export function useT() {
  const { formatMessage } = useIntl();
  return useCallback(
    (key: string, defaultMessage: string, values?: Values) =>
      formatMessage({ id: getTranslation(key), defaultMessage }, values as Record<string, string>),
    [formatMessage]
  );
}

export type Translate = ReturnType<typeof useT>;

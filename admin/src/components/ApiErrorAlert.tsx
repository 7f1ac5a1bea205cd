import { Alert } from '@strapi/design-system';
import { isUpstreamError, type ApiError } from '../api/request';
import { useT } from '../utils/useT';

/**
 * An admin API failure as a banner. Button being down (the plugin's 502 / 503 / 504) gets its own wording so an
 * editor knows the CMS is fine and Button is not answering; anything else shows Strapi's message.
 */
export function ApiErrorAlert({ error, onClose }: { error: ApiError; onClose?: () => void }) {
  const t = useT();
  const upstream = isUpstreamError(error);
  return (
    <Alert
      variant={upstream ? 'warning' : 'danger'}
      title={upstream ? t('errors.upstream.title', 'Button is not answering') : t('errors.title', 'The request failed')}
      closeLabel={t('actions.close', 'Close')}
      onClose={onClose}
      role="alert"
    >
      {upstream
        ? t('errors.upstream.body', 'No offers can be shown until Button answers again ({status}: {message}).', {
            status: error.status ?? '',
            message: error.message,
          })
        : error.status === 403
          ? t('errors.forbidden', 'Your role may not do this (403).')
          : `${error.status ? `${error.status}: ` : ''}${error.message}`}
    </Alert>
  );
}

import { useState } from 'react';
import { Box, Flex, Typography } from '@strapi/design-system';

const SIZE = 32; // px

/**
 * The brand's icon from the catalogue, straight from Button's URL. A broken or blocked image (the admin's
 * Content-Security-Policy allows only the hosts listed in `img-src`) falls back to the brand's initial: the page
 * never waits on an image.
 */
export function BrandIcon({ url, name }: { url: string | null; name: string }) {
  // The URL that failed, so a row reused for another brand tries its own icon.
  const [failed, setFailed] = useState<string | null>(null);
  if (url && failed !== url)
    return (
      <img
        src={url}
        alt=""
        width={SIZE}
        height={SIZE}
        loading="lazy"
        referrerPolicy="no-referrer"
        data-testid="brand-icon"
        style={{ borderRadius: 4, objectFit: 'contain', display: 'block' }}
        onError={() => setFailed(url)}
      />
    );
  return (
    <Box background="primary100" hasRadius width={`${SIZE}px`} height={`${SIZE}px`} data-testid="brand-icon-fallback">
      <Flex justifyContent="center" alignItems="center" height="100%">
        <Typography variant="omega" fontWeight="bold" textColor="primary600" aria-hidden>
          {name.trim().charAt(0).toUpperCase() || '?'}
        </Typography>
      </Flex>
    </Box>
  );
}

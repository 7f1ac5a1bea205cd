import { useState } from 'react';
import { Box, Flex, Typography } from '@strapi/design-system';
import { useBrandIconSrc } from '../api/catalogue';

const SIZE = 32; // px

/**
 * The brand's icon from the catalogue, as the plugin serves it (a data URL: Strapi's default Content-Security-Policy
 * allows those, not Button's icon host). While it loads, when the brand has none, or when the server refused it (too
 * large, not an image, unreachable), the brand's initial: the page never waits on an image.
 */
export function BrandIcon({ merchantId, url, name }: { merchantId: string; url: string | null; name: string }) {
  const src = useBrandIconSrc(merchantId, url);
  // The source that failed to decode, so a row reused for another brand tries its own icon.
  const [failed, setFailed] = useState<string | null>(null);
  if (src && failed !== src)
    return (
      <img
        src={src}
        alt=""
        width={SIZE}
        height={SIZE}
        data-testid="brand-icon"
        style={{ borderRadius: 4, objectFit: 'contain', display: 'block' }}
        onError={() => setFailed(src)}
      />
    );
  return <BrandInitial name={name} />;
}

function BrandInitial({ name }: { name: string }) {
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

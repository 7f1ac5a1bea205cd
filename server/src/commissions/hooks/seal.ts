import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The clear user id (`publisher_customer_id`) a pending hook delivery must hand to the publisher's callback,
 * sealed while it waits in the outbox: the database never holds it in the clear. AES-256-GCM under a key derived
 * from the webhook secret (HKDF, its own label, so the key is used for nothing else). The sealed value is removed
 * once the delivery succeeded. A value sealed under a secret since rotated no longer opens: `unseal` answers null
 * and the callback gets the change without the clear id (it still has the keyed hash).
 */
const VERSION = 'v1';
const TAG_BYTES = 16;

function keyFrom(webhookSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', webhookSecret, 'strapi-plugin-button-personalization', 'hook customer id', 32));
}

export function sealCustomerId(customerId: string, webhookSecret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(webhookSecret), iv);
  const sealed = Buffer.concat([cipher.update(customerId, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function unsealCustomerId(sealed: string, webhookSecret: string): string | null {
  const [version, iv, data, tag] = sealed.split('.');
  if (version !== VERSION || iv === undefined || data === undefined || tag === undefined) return null;
  const authTag = Buffer.from(tag, 'base64url');
  // Without a fixed tag length GCM accepts a tag cut down to 4 bytes: a forgery in 2^32 tries instead of 2^128.
  if (authTag.length !== TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(webhookSecret), Buffer.from(iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAuthTag(authTag);
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

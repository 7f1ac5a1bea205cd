import type { Core } from '@strapi/strapi';
import { installWebhookMiddleware } from './webhooks/install';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // Before strapi::body, so Button's webhook signature is checked over the raw bytes (see webhooks/middleware.ts).
  installWebhookMiddleware(strapi);
};

export default register;

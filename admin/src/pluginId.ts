export const PLUGIN_ID = 'button-personalization';

// The route tables of the APIs beyond services and functions, one module each.
import { ACCOUNT_ROUTES } from './account.js';
import type { Route } from './common.js';
import { CUSTOM_DOMAIN_ROUTES } from './custom-domains.js';
import { FUNCTION_CONFIG_ROUTES } from './function-configs.js';
import { PROXY_ROUTES } from './http-proxy.js';
import { LAYER_ROUTES } from './layers.js';
import { TAG_ROUTES } from './tags.js';
import { TRIGGER_ROUTES } from './triggers.js';
import { VERSION_ROUTES } from './versions.js';

export const EXTRA_ROUTES: Route[] = [
  ...TRIGGER_ROUTES,
  ...PROXY_ROUTES,
  ...VERSION_ROUTES,
  ...LAYER_ROUTES,
  ...FUNCTION_CONFIG_ROUTES,
  ...TAG_ROUTES,
  ...CUSTOM_DOMAIN_ROUTES,
  ...ACCOUNT_ROUTES,
];

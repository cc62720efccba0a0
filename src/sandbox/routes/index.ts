// The route tables of the APIs beyond services and functions, one module each.
import type { Route } from './common.js';
import { PROXY_ROUTES } from './http-proxy.js';
import { LAYER_ROUTES } from './layers.js';
import { TRIGGER_ROUTES } from './triggers.js';
import { VERSION_ROUTES } from './versions.js';

export const EXTRA_ROUTES: Route[] = [...TRIGGER_ROUTES, ...PROXY_ROUTES, ...VERSION_ROUTES, ...LAYER_ROUTES];

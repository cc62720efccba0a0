// GetAccountSettings: FC answers the zones functions may run in. The sandbox is one place; it
// answers one zone named for it, so a tool that picks a vSwitch zone from the list gets an answer.
import { ok, type ApiResult, type Route } from './common.js';

export const SANDBOX_ZONES = ['cn-hangzhou-sandbox'];

async function getAccountSettings(): Promise<ApiResult> {
  return ok({ availableAZs: SANDBOX_ZONES });
}

export const ACCOUNT_ROUTES: Route[] = [{ pattern: ['account-settings'], methods: { GET: getAccountSettings } }];

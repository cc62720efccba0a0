// The profile services: list, open (connecting to the profile's target), save, and the event last
// invoked from a profile.
import { connect } from '../../deploy/connect.js';
import type { Profile } from '../../profiles/schema.js';
import { profileNameProblem } from '../../profiles/schema.js';
import { profileValues } from '../../wizard/profile.js';
import type { TargetValues } from '../../wizard/state.js';
import type { WizardServices } from '../services.js';
import type { RealContext } from './context.js';
import { load } from './lazy.js';

type ProfileServices = Pick<
  WizardServices,
  'listProfiles' | 'openProfile' | 'saveProfile' | 'profileNameProblem' | 'lastEvent' | 'rememberEvent'
>;

export function profileServices(ctx: RealContext): ProfileServices {
  const { profiles } = ctx;
  return {
    async listProfiles() {
      return (await profiles()).list().map((p) => ({ name: p.name, summary: profileSummary(p) }));
    },

    async openProfile(name, { signal } = {}) {
      const profile = (await profiles()).require(name);
      const { resolveTarget } = await load.target();
      const { env, home } = ctx;
      // The target step listed the sources first and showed any key file warning there.
      const target = await resolveTarget({}, profile.target, { env, home, signal, warn: () => {} });
      if (signal?.aborted) {
        await target.close();
        throw new Error('cancelled');
      }
      const values: TargetValues = {
        kind: target.kind === 'local' ? 'sandbox' : target.kind,
        endpoint: target.endpoint,
        accountId: target.accountId,
        region: target.region,
        credentialSource: target.credentialSource,
        credentialRef: target.profileTarget.credentialSource,
      };
      const connection = ctx.connections.open(values, connect(target, { env }), () => target.close());
      return { values: profileValues(profile, values), connection };
    },

    async saveProfile(profile) {
      (await profiles()).save(profile);
    },

    profileNameProblem,

    async lastEvent(name) {
      return (await profiles()).get(name)?.lastEvent;
    },

    async rememberEvent(name, event) {
      (await profiles()).recordEvent(name, event);
    },
  };
}

/** One line for the profile picker: what it deploys and where. */
function profileSummary(p: Profile): string {
  const { target } = p;
  const where =
    target.kind === 'local' ? 'local sandbox' : target.kind === 'endpoint' ? target.endpoint : target.region;
  return `${p.service.name}/${p.function.functionName} · ${p.function.runtime} · ${where}`;
}

// Between the wizard's state and what leaves it: the deploy spec, and a saved profile. A profile
// keeps where the credentials come from, never the credentials: keys typed for the session leave
// no trace here.
import type { DeploySpec } from '../deploy/plan.js';
import type { Profile, ProfileTarget } from '../profiles/schema.js';
import type { ProfileValues } from './reducer.js';
import { buildFunctionConfig } from './request.js';
import type { TargetValues, WizardState } from './state.js';

export function profileTargetOf(target: TargetValues): ProfileTarget {
  if (target.kind === 'sandbox') return { kind: 'local' };
  const out: ProfileTarget = { kind: target.kind, accountId: target.accountId };
  if (target.kind === 'endpoint') out.endpoint = target.endpoint;
  if (target.region) out.region = target.region;
  if (target.credentialRef) out.credentialSource = target.credentialRef;
  return out;
}

/**
 * What the wizard deploys: the service, the function and the code its steps chose, paths made
 * absolute against `resolvePath`. A profile holds the same three, but the deploy takes only
 * this, so a change to the profile's shape does not reach a deploy.
 */
export function toDeploySpec(state: WizardState, resolvePath: (p: string) => string): DeploySpec {
  if (!state.service || !state.code) throw new Error('toDeploySpec: the wizard has not reached the review');
  const code: DeploySpec['code'] =
    state.code.kind === 'folder' || state.code.kind === 'zip'
      ? { kind: state.code.kind, path: resolvePath(state.code.path) }
      : state.code.kind === 'oss'
        ? { kind: 'oss', bucket: state.code.bucket, object: state.code.object }
        : { kind: 'image' };
  const { name, isNew, createIfMissing } = state.service;
  return {
    service: isNew || createIfMissing ? { name, create: true } : { name },
    function: buildFunctionConfig(state),
    code,
  };
}

/** The profile that redeploys what the wizard just deployed. Paths become absolute against `cwd`. */
export function toProfile(state: WizardState, name: string, resolvePath: (p: string) => string): Profile {
  if (!state.target) throw new Error('toProfile: the wizard has not reached the summary');
  const profile: Profile = { name, target: profileTargetOf(state.target), ...toDeploySpec(state, resolvePath) };
  // Saved at the summary: the deploy just made is the profile's last deploy, as `fcw deploy
  // --save-profile` records it (a later `fcw deploy --profile` compares against it).
  const last = state.deploy.status === 'done' ? state.deploy.outcome.lastDeploy : undefined;
  if (last) profile.lastDeploy = last;
  return profile;
}

/** The wizard's fields from a profile; the target comes from connecting to it (the UI's job). */
export function profileValues(profile: Profile, target: TargetValues): ProfileValues {
  const fn = profile.function;
  const cc = fn.customContainerConfig;
  const code: ProfileValues['code'] =
    profile.code.kind === 'image'
      ? cc
        ? { kind: 'image', image: cc.image, command: cc.command, args: cc.args, accelerationType: cc.accelerationType }
        : undefined
      : profile.code;
  return {
    name: profile.name,
    target,
    service: profile.service.name,
    ...(profile.service.create ? { createService: true } : {}),
    functionName: fn.functionName,
    runtime: fn.runtime,
    handler: fn.handler,
    code,
    memorySize: fn.memorySize,
    timeout: fn.timeout,
    instanceType: fn.instanceType,
    initializer: fn.initializer,
    initializationTimeout: fn.initializationTimeout,
    description: fn.description,
    environmentVariables: fn.environmentVariables,
    layers: fn.layers,
    caPort: fn.caPort,
  };
}

// The real WizardServices: the FC client, the packager, the in-process sandbox, the credential
// finder, deploy() and the profile store, adapted to what the screens ask. The only code under
// src/ui that touches the world (each part in src/ui/real/); the components get it through
// <App services>.
import type { Io } from '../cli/io.js';
import { createContext, type RealServicesOptions } from './real/context.js';
import { deployService } from './real/deploy.js';
import { packagingServices } from './real/packaging.js';
import { profileServices } from './real/profiles.js';
import { targetServices } from './real/target.js';
import type { WizardServices } from './services.js';

export type { RealServicesOptions } from './real/context.js';

export function createRealServices(io: Io, options: RealServicesOptions = {}): WizardServices {
  const ctx = createContext(io, options);
  return {
    cwd: io.cwd,
    ...targetServices(ctx),
    ...packagingServices(ctx),
    ...deployService(ctx),
    ...profileServices(ctx),
  };
}

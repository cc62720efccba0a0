// Where fcw keeps profiles and sandbox data: FCW_CONFIG_DIR, else the OS config directory that
// conf would choose (env-paths' rules, without the "-nodejs" suffix). Both the profile store and
// the sandbox take this one answer, so they never disagree.
import os from 'node:os';
import path from 'node:path';

export function fcwConfigDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.FCW_CONFIG_DIR) return path.resolve(env.FCW_CONFIG_DIR);
  const home = env.HOME || os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Preferences', 'fcw');
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'fcw', 'Config');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'fcw');
}

export function sandboxDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(fcwConfigDir(env), 'sandbox');
}

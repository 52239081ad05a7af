import { evaluate, type PolicyRequest } from '../../../../src/core/policy/evaluate';
import { parsePolicy, type SettingsLayers, type SettingValues } from '../../../../src/core/policy/parse';

export const FOLDER = '/work/app';
export const DEPLOY = { name: 'DEPLOY_TOKEN', description: 'Deploys to production', source: 'op://Prod/Deploy/token' };
export const NPM = { name: 'NPM_TOKEN', description: 'Publishes packages', source: 'secret:NPM_TOKEN' };

export const layers = (user: SettingValues = {}, workspace: SettingValues = {}, options: { trusted?: boolean; remote?: boolean; folders?: SettingsLayers['folders'] } = {}): SettingsLayers => ({
  trusted: options.trusted ?? true,
  ...(options.remote === undefined ? {} : { remote: options.remote }),
  user,
  workspace,
  folders: options.folders ?? [],
});

export const request = (overrides: Partial<PolicyRequest> = {}): PolicyRequest => ({
  client: 'codex',
  credentials: ['DEPLOY_TOKEN'],
  command: 'npm run deploy',
  cwd: FOLDER,
  workspaceFolders: [FOLDER],
  ...overrides,
});

export const decide = (settings: SettingsLayers, overrides: Partial<PolicyRequest> = {}) =>
  evaluate(request(overrides), parsePolicy(settings).policy);

/** User settings that define both credentials and allow everything without consent (the loosest). */
export const LOOSE_USER: SettingValues = {
  'airlock.credentials': [DEPLOY, NPM],
  'airlock.policy.allowWithoutConsent': true,
  'airlock.policy.rules': [{ decision: 'allow' }],
};

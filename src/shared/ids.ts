/**
 * Every command, setting, view and context-key id in one place. package.json must agree with these;
 * test/unit/manifest.test.ts pins them.
 */
export const EXTENSION_ID = 'airlock-dev.airlock';
export const OUTPUT_CHANNEL_NAME = 'Airlock';

export const Commands = {
  showStatus: 'airlock.showStatus',
  addSecret: 'airlock.addSecret',
  updateSecret: 'airlock.updateSecret',
  removeSecret: 'airlock.removeSecret',
  connectOnePassword: 'airlock.connectOnePassword',
  disconnectOnePassword: 'airlock.disconnectOnePassword',
  manageGrants: 'airlock.manageGrants',
  connectCodex: 'airlock.connectCodex',
  connectClaudeCode: 'airlock.connectClaudeCode',
  connectCursor: 'airlock.connectCursor',
  disconnectCodex: 'airlock.disconnectCodex',
  disconnectClaudeCode: 'airlock.disconnectClaudeCode',
  disconnectCursor: 'airlock.disconnectCursor',
  connectCopilotCli: 'airlock.connectCopilotCli',
  disconnectCopilotCli: 'airlock.disconnectCopilotCli',
  connectGeminiCli: 'airlock.connectGeminiCli',
  disconnectGeminiCli: 'airlock.disconnectGeminiCli',
  connectCline: 'airlock.connectCline',
  disconnectCline: 'airlock.disconnectCline',
  connectRooCode: 'airlock.connectRooCode',
  disconnectRooCode: 'airlock.disconnectRooCode',
  connectWindsurf: 'airlock.connectWindsurf',
  disconnectWindsurf: 'airlock.disconnectWindsurf',
  connectKiro: 'airlock.connectKiro',
  disconnectKiro: 'airlock.disconnectKiro',
  rotateClientToken: 'airlock.rotateClientToken',
  revokeClientToken: 'airlock.revokeClientToken',
  showConnectionInfo: 'airlock.showConnectionInfo',
  showAuditLog: 'airlock.showAuditLog',
  verifyAuditLog: 'airlock.verifyAuditLog',
  exportAuditLog: 'airlock.exportAuditLog',
  importEnvFile: 'airlock.importEnvFile',
  findPlaintextSecrets: 'airlock.findPlaintextSecrets',
  moveSecretIntoAirlock: 'airlock.moveSecretIntoAirlock',
} as const;

export const Settings = {
  section: 'airlock',
  credentials: 'airlock.credentials',
  policyRules: 'airlock.policy.rules',
  defaultDurationSeconds: 'airlock.policy.defaultDurationSeconds',
  maxDurationSeconds: 'airlock.policy.maxDurationSeconds',
  allowWithoutConsent: 'airlock.policy.allowWithoutConsent',
  consentTimeoutSeconds: 'airlock.consent.timeoutSeconds',
  agentWaitSeconds: 'airlock.consent.agentWaitSeconds',
  killOnExpiry: 'airlock.grants.killOnExpiry',
  allowPrefixGrants: 'airlock.grants.allowPrefix',
  outputLimitKiB: 'airlock.run.outputLimitKiB',
  maxRunTimeoutSeconds: 'airlock.run.maxTimeoutSeconds',
  endpointEnabled: 'airlock.endpoint.enabled',
  endpointPort: 'airlock.endpoint.port',
  onePasswordAccount: 'airlock.onePassword.account',
  onePasswordTimeoutSeconds: 'airlock.onePassword.timeoutSeconds',
  auditMaxFileSizeMiB: 'airlock.audit.maxFileSizeMiB',
} as const;

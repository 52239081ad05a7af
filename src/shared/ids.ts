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
  runWithCredentials: 'airlock.runWithCredentials',
  revokeGrant: 'airlock.revokeGrant',
  revokeAllGrants: 'airlock.revokeAllGrants',
  revealReference: 'airlock.revealReference',
  connectAgent: 'airlock.connectAgent',
  disconnectAgent: 'airlock.disconnectAgent',
  refreshActivity: 'airlock.refreshActivity',
  openWalkthrough: 'airlock.openWalkthrough',
  viewUpdateSecret: 'airlock.view.updateSecret',
  viewRemoveSecret: 'airlock.view.removeSecret',
  viewRotateToken: 'airlock.view.rotateToken',
  viewRevokeToken: 'airlock.view.revokeToken',
} as const;

/**
 * The clients with Connect/Disconnect commands of their own (the Connect commands and the Agents view both
 * read this one table). Copilot connects through VS Code's MCP provider; `other` gets the connection info.
 */
export const ConnectCommands = {
  codex: { connect: Commands.connectCodex, disconnect: Commands.disconnectCodex },
  'claude-code': { connect: Commands.connectClaudeCode, disconnect: Commands.disconnectClaudeCode },
  cursor: { connect: Commands.connectCursor, disconnect: Commands.disconnectCursor },
  'copilot-cli': { connect: Commands.connectCopilotCli, disconnect: Commands.disconnectCopilotCli },
  'gemini-cli': { connect: Commands.connectGeminiCli, disconnect: Commands.disconnectGeminiCli },
  cline: { connect: Commands.connectCline, disconnect: Commands.disconnectCline },
  'roo-code': { connect: Commands.connectRooCode, disconnect: Commands.disconnectRooCode },
  windsurf: { connect: Commands.connectWindsurf, disconnect: Commands.disconnectWindsurf },
  kiro: { connect: Commands.connectKiro, disconnect: Commands.disconnectKiro },
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
  usualHours: 'airlock.insights.usualHours',
} as const;

/** The Airlock view container (activity bar) and its tree views. */
export const Views = {
  container: 'airlock',
  credentials: 'airlock.view.credentials',
  grants: 'airlock.view.grants',
  agents: 'airlock.view.agents',
  activity: 'airlock.view.activity',
} as const;

/**
 * Context keys Airlock sets when a real event happens; the walkthrough's steps complete on them
 * (`completionEvents: onContext:<key>`), and the welcome views read them.
 */
export const ContextKeys = {
  secretStored: 'airlock.walkthrough.secretStored',
  agentConnected: 'airlock.walkthrough.agentConnected',
  requestApproved: 'airlock.walkthrough.requestApproved',
  activitySeen: 'airlock.walkthrough.activitySeen',
} as const;

/** The walkthrough (`contributes.walkthroughs`) and its steps, in order. */
export const Walkthrough = {
  id: 'airlock.gettingStarted',
  steps: ['storeSecret', 'connectAgent', 'approveRequest', 'seeActivity'],
} as const;

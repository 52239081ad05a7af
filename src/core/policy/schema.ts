import { z } from 'zod';
import { Settings } from '../../shared/ids';
import { isDomainName, type SandboxMode } from '../sandbox/sealedRun';
import { describeHidden, findHidden } from '../text/untrustedText';

/** `airlock.run.sandbox`, loosest first. */
export const SANDBOX_MODES: readonly SandboxMode[] = ['off', 'whenAvailable', 'required'];

/**
 * Every Airlock setting: key, VS Code scope, JSON type, default and bounds. package.json
 * `contributes.configuration` must agree with this table (test/unit/core/policy/manifest.test.ts pins it);
 * parse.ts validates every layer's value with these schemas at runtime.
 */
export type SettingScope = 'application' | 'machine' | 'window' | 'resource';

/** How a workspace (or folder) value may combine with the person's user value. */
export type WorkspaceRule =
  /** Smaller is stricter: honoured when lower, ignored and reported when higher. */
  | 'lower-only'
  /** `true` is stricter (e.g. killOnExpiry). */
  | 'true-only'
  /** `false` is stricter (e.g. allowWithoutConsent). */
  | 'false-only'
  /** Only the person's user settings count; any workspace value is ignored and reported. */
  | 'never'
  /** Parsed specially (credentials, rules). */
  | 'merge'
  /** An enum ordered loosest → strictest: a workspace value is honoured only when it is the strictest one. */
  | 'strictest-only';

interface SettingSpecBase {
  readonly key: string;
  readonly scope: SettingScope;
  readonly workspace: WorkspaceRule;
}

export interface IntegerSpec extends SettingSpecBase {
  readonly type: 'integer';
  readonly default: number;
  readonly minimum: number;
  readonly maximum: number;
}
export interface BooleanSpec extends SettingSpecBase {
  readonly type: 'boolean';
  readonly default: boolean;
}
export interface StringSpec extends SettingSpecBase {
  readonly type: 'string';
  readonly default: string;
  readonly maxLength: number;
}
export interface ArraySpec extends SettingSpecBase {
  readonly type: 'array';
  readonly default: readonly never[];
}
export interface EnumSpec<T extends string = string> extends SettingSpecBase {
  readonly type: 'string';
  /** Loosest first, strictest last. */
  readonly enum: readonly T[];
  readonly default: T;
  readonly maxLength: number;
}
export type SettingSpec = IntegerSpec | BooleanSpec | StringSpec | ArraySpec | EnumSpec;

const integer = (key: string, scope: SettingScope, workspace: WorkspaceRule, def: number, minimum: number, maximum: number): IntegerSpec =>
  ({ key, scope, workspace, type: 'integer', default: def, minimum, maximum });
const boolean = (key: string, scope: SettingScope, workspace: WorkspaceRule, def: boolean): BooleanSpec =>
  ({ key, scope, workspace, type: 'boolean', default: def });

export const SETTING_SPECS = {
  credentials: { key: Settings.credentials, scope: 'window', workspace: 'merge', type: 'array', default: [] } satisfies ArraySpec,
  rules: { key: Settings.policyRules, scope: 'resource', workspace: 'merge', type: 'array', default: [] } satisfies ArraySpec,
  defaultDurationSeconds: integer(Settings.defaultDurationSeconds, 'resource', 'lower-only', 900, 1, 604_800),
  maxDurationSeconds: integer(Settings.maxDurationSeconds, 'application', 'lower-only', 3600, 1, 604_800),
  allowWithoutConsent: boolean(Settings.allowWithoutConsent, 'application', 'false-only', false),
  consentTimeoutSeconds: integer(Settings.consentTimeoutSeconds, 'resource', 'lower-only', 120, 5, 3600),
  agentWaitSeconds: integer(Settings.agentWaitSeconds, 'resource', 'lower-only', 45, 1, 600),
  killOnExpiry: boolean(Settings.killOnExpiry, 'resource', 'true-only', false),
  // Off by default: a prefix grant lets later commands add arguments. Application scope, so on a remote
  // only the person's local user settings can turn it on; a workspace may only turn it off.
  allowPrefixGrants: boolean(Settings.allowPrefixGrants, 'application', 'false-only', false),
  outputLimitKiB: integer(Settings.outputLimitKiB, 'resource', 'lower-only', 64, 1, 16_384),
  maxRunTimeoutSeconds: integer(Settings.maxRunTimeoutSeconds, 'resource', 'lower-only', 600, 1, 86_400),
  endpointEnabled: boolean(Settings.endpointEnabled, 'application', 'never', true),
  endpointPort: integer(Settings.endpointPort, 'application', 'never', 0, 0, 65_535),
  onePasswordAccount: { key: Settings.onePasswordAccount, scope: 'application', workspace: 'never', type: 'string', default: '', maxLength: 256 } satisfies StringSpec,
  onePasswordTimeoutSeconds: integer(Settings.onePasswordTimeoutSeconds, 'application', 'never', 30, 1, 600),
  auditMaxFileSizeMiB: integer(Settings.auditMaxFileSizeMiB, 'application', 'never', 10, 1, 1024),
  // User/application scope; a workspace may only raise it to `required` (strictest-only).
  runSandbox: {
    key: Settings.runSandbox,
    scope: 'application',
    workspace: 'strictest-only',
    type: 'string',
    enum: SANDBOX_MODES,
    default: 'whenAvailable',
    maxLength: 16,
  } satisfies EnumSpec<SandboxMode>,
  /** `HH:MM-HH:MM` (local time; may wrap midnight) or empty: requests outside it are flagged in the Activity view. */
  usualHours: { key: Settings.usualHours, scope: 'application', workspace: 'never', type: 'string', default: '', maxLength: 32 } satisfies StringSpec,
} as const;

export type SettingName = keyof typeof SETTING_SPECS;
export const SETTING_NAMES = Object.keys(SETTING_SPECS) as SettingName[];

/** The zod schema of one scalar setting's value. */
export function scalarSchema(spec: SettingSpec): z.ZodType<unknown> {
  switch (spec.type) {
    case 'integer':
      return z.int().min(spec.minimum).max(spec.maximum);
    case 'boolean':
      return z.boolean();
    case 'string':
      return 'enum' in spec ? z.enum(spec.enum as [string, ...string[]]) : z.string().max(spec.maxLength);
    case 'array':
      return z.array(z.unknown()).max(MAX_ENTRIES);
  }
}

/** More entries than this in one layer is not a policy, it is an attack on the parser. */
export const MAX_ENTRIES = 500;
const PATTERN = z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters');

/**
 * A host a sealed run may reach, wherever one is named (a credential's `hosts`, a rule's `network`, the
 * `network` of request_access and run): a lowercase domain name or `*.` wildcard (see isDomainName).
 */
export const hostNameSchema = z
  .string()
  .max(253)
  .refine(isDomainName, 'must be a lowercase domain name such as "api.example.com" or "*.example.com" (no IP address, port, scheme or path)');

/** Most hosts and write paths one request, run or rule may name. */
export const MAX_NETWORK_HOSTS = 64;
export const MAX_WRITE_PATHS = 64;

/** A write path wherever one is named (a rule's `writes`, request_access and run): visible characters only. */
export const writePathSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(4096, 'must be at most 4096 characters')
  .superRefine((text, context) => {
    const hidden = findHidden(text);
    if (hidden !== undefined) context.addIssue({ code: 'custom', message: describeHidden('write path', hidden) });
  });

/** One entry of `airlock.credentials`, before its name, env and reference are validated. */
export const credentialEntrySchema = z.strictObject({
  name: z.string(),
  description: z.string().max(500, 'must be at most 500 characters').default(''),
  env: z.string().optional(),
  source: z.string(),
  /** Host-bound delivery: the command sees a placeholder; the sandbox's proxy sends the value only to these hosts. */
  hosts: z
    .array(hostNameSchema)
    .min(1, 'must name at least one host (omit "hosts" for delivery in the environment)')
    .max(32, 'must name at most 32 hosts')
    .optional(),
  /** Host-bound only: substitute in request bodies as well as headers. */
  bodies: z.boolean().optional(),
});
export type CredentialEntry = z.output<typeof credentialEntrySchema>;

export const DECISIONS = ['deny', 'ask', 'allow'] as const;
export type Decision = (typeof DECISIONS)[number];

/** One entry of `airlock.policy.rules`; omitted patterns match everything. */
export const ruleEntrySchema = z.strictObject({
  credentials: PATTERN.default('*'),
  clients: PATTERN.default('*'),
  command: PATTERN.default('*'),
  cwd: PATTERN.default('*'),
  decision: z.enum(DECISIONS),
  maxDurationSeconds: z.int().min(1).max(604_800).optional(),
  maxRuns: z.int().min(1).max(1_000_000).optional(),
  /**
   * `allow` only: the hosts (beyond the credentials' own) a request may name and still be allowed. A
   * request naming any other host asks the person instead. Omitted: none.
   */
  network: z.array(hostNameSchema).max(MAX_NETWORK_HOSTS).optional(),
  /** `allow` only: paths (relative to the request's workspace folder, or absolute) inside which a request may ask to write. Omitted: none. */
  writes: z.array(writePathSchema).max(MAX_WRITE_PATHS).optional(),
});
export type RuleEntry = z.output<typeof ruleEntrySchema>;

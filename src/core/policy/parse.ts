import { z } from 'zod';
import { plainL10n, type L10n, type Say } from '../../shared/l10n';
import type { Credential } from '../credentials';
import type { Outcome } from '../outcome';
import { validateCredentialName, validateEnvName } from '../secrets/envName';
import { parseReference } from '../secrets/referenceParser';
import { parseUsualHours, type UsualHours } from '../views/usualHours';
import { compileCommandPattern, compileGlob, isRegexPattern } from './pattern';
import type { Policy, PolicyLimits, PolicyProblem, PolicyRule, RuleLayer, RuleOrigin } from './policy';
import {
  credentialEntrySchema,
  ruleEntrySchema,
  scalarSchema,
  SETTING_SPECS,
  type BooleanSpec,
  type EnumSpec,
  type IntegerSpec,
  type SettingSpec,
  type StringSpec,
} from './schema';

/** One layer's raw values, keyed by full setting key (`airlock.policy.rules`); absent = not set there. */
export type SettingValues = Readonly<Record<string, unknown>>;

/**
 * What the settings adapter reads with `inspect()`: the person's user (global) values, the workspace
 * values, each folder's values (multi-root), and whether the workspace is trusted.
 */
export interface SettingsLayers {
  readonly trusted: boolean;
  /**
   * A remote window (SSH, container, Codespaces, WSL): its `user` values of machine, window and resource
   * scope include the remote machine's settings file, which an agent on that machine can write. Only
   * application-scope values there are the person's (VS Code reads those from the local machine).
   */
  readonly remote?: boolean;
  readonly user: SettingValues;
  readonly workspace: SettingValues;
  readonly folders: readonly { readonly name: string; readonly values: SettingValues }[];
}

export interface ParsedPolicy {
  readonly policy: Policy;
  readonly problems: readonly PolicyProblem[];
}

interface Layer {
  readonly origin: RuleOrigin;
  /** For messages: "user settings", "workspace settings", "folder settings of \"api\"". */
  readonly where: Say;
  readonly values: SettingValues;
}

const has = (values: SettingValues, key: string): boolean => Object.hasOwn(values, key) && values[key] !== undefined;

const zodMessage = (error: z.ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `"${issue.path.join('.')}": ${issue.message}` : issue.message))
    .join('; ');

/** A validator's message (asked again in the person's language once it has failed in English). */
const failureMessage = (outcome: Outcome<unknown, string>): string => (outcome.ok ? '' : outcome.message);

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
};

/**
 * Parses Airlock's settings into a Policy. Guarantees: user settings define what is possible; workspace
 * and folder values can only tighten (anything looser is ignored and reported); an untrusted workspace's
 * values are all ignored; an invalid entry is dropped with one message naming the setting and the fix —
 * nothing throws, nothing widens. Each problem is English for the audit and the log (`message`) and in
 * the person's language on request (`say`, for the warning they see).
 */
export function parsePolicy(layers: SettingsLayers): ParsedPolicy {
  const problems: PolicyProblem[] = [];
  const report: Report = (setting, say) => void problems.push({ setting, message: say(plainL10n), say });

  // In a remote window only application-scope user values are the person's; the rest may come from the
  // remote machine's settings file and count as a layer that can only tighten, like a workspace.
  const personKeys = (key: string): boolean =>
    layers.remote !== true || Object.values(SETTING_SPECS).some((spec) => spec.key === key && spec.scope === 'application');
  const pick = (keep: (key: string) => boolean): SettingValues => Object.fromEntries(Object.entries(layers.user).filter(([key]) => keep(key)));
  const user: Layer = { origin: 'user', where: (l10n) => l10n.t('user settings'), values: layers.remote === true ? pick(personKeys) : layers.user };
  const remoteLayers: Layer[] =
    layers.remote === true
      ? [{ origin: 'remote', where: (l10n) => l10n.t("the remote machine's settings (a remote window's user settings, which an agent on that machine can write)"), values: pick((key) => !personKeys(key)) }]
      : [];
  const workspaceLayers: Layer[] = [
    { origin: 'workspace', where: (l10n) => l10n.t('workspace settings'), values: layers.workspace },
    ...layers.folders.map((folder): Layer => ({ origin: 'folder', where: (l10n) => l10n.t('folder settings of {0}', show(folder.name)), values: folder.values })),
  ];

  let tightening: Layer[] = workspaceLayers;
  if (!layers.trusted) {
    for (const layer of workspaceLayers) {
      for (const spec of Object.values(SETTING_SPECS)) {
        if (has(layer.values, spec.key)) {
          report(spec.key, (l10n) => l10n.t('ignored: this workspace is not trusted, so {0} in its {1} does not apply. Trust the workspace (Workspaces: Manage Workspace Trust) if you want it to.', spec.key, layer.where(l10n)));
        }
      }
    }
    tightening = [];
  }
  tightening = [...remoteLayers, ...tightening];

  /** The user's value (validated) or the default; an invalid user value is reported and replaced. */
  const userScalar = <T>(spec: SettingSpec & { default: T }): T => {
    if (!has(user.values, spec.key)) return spec.default;
    const parsed = scalarSchema(spec).safeParse(user.values[spec.key]);
    if (parsed.success) return parsed.data as T;
    report(spec.key, (l10n) => l10n.t('{0} in user settings is invalid ({1}); using the default {2}. Fix the value in your user settings.', spec.key, zodMessage(parsed.error), show(spec.default)));
    return spec.default;
  };

  const limitedInteger = (spec: IntegerSpec): number => {
    let value = userScalar(spec);
    for (const layer of tightening) {
      if (!has(layer.values, spec.key)) continue;
      const raw = layer.values[spec.key];
      const parsed = scalarSchema(spec).safeParse(raw);
      if (!parsed.success) {
        report(spec.key, (l10n) => l10n.t('{0} in {1} is invalid and was ignored ({2}). Use a whole number from {3} to {4}.', spec.key, layer.where(l10n), zodMessage(parsed.error), spec.minimum, spec.maximum));
      } else if (spec.workspace === 'never') {
        report(spec.key, (l10n) => l10n.t('ignored: {0} can only be set in user settings, not in {1}.', spec.key, layer.where(l10n)));
      } else if ((parsed.data as number) > value) {
        report(spec.key, (l10n) => l10n.t('ignored: {0} cannot raise {1} to {2} (it is {3}); they may only lower it. Change it in your user settings instead.', layer.where(l10n), spec.key, show(raw), value));
      } else {
        value = parsed.data as number;
      }
    }
    return value;
  };

  const limitedBoolean = (spec: BooleanSpec): boolean => {
    let value = userScalar(spec);
    for (const layer of tightening) {
      if (!has(layer.values, spec.key)) continue;
      const raw = layer.values[spec.key];
      if (typeof raw !== 'boolean') {
        report(spec.key, (l10n) => l10n.t('{0} in {1} is invalid and was ignored: use true or false.', spec.key, layer.where(l10n)));
      } else if (spec.workspace === 'never') {
        report(spec.key, (l10n) => l10n.t('ignored: {0} can only be set in user settings, not in {1}.', spec.key, layer.where(l10n)));
      } else if (spec.workspace === 'false-only' && raw && !value) {
        report(spec.key, (l10n) => spec.key === SETTING_SPECS.allowWithoutConsent.key
          ? l10n.t('ignored: {0} cannot turn on {1} (allowing credentials without consent); only your user settings can.', layer.where(l10n), spec.key)
          : l10n.t('ignored: {0} cannot turn on {1}; only your user settings can.', layer.where(l10n), spec.key));
      } else if (spec.workspace === 'true-only' && !raw && value) {
        report(spec.key, (l10n) => l10n.t('ignored: {0} cannot turn off {1}; only your user settings can.', layer.where(l10n), spec.key));
      } else {
        value = raw;
      }
    }
    return value;
  };

  const userOnlyString = (spec: StringSpec): string => {
    for (const layer of tightening) {
      if (has(layer.values, spec.key)) report(spec.key, (l10n) => l10n.t('ignored: {0} can only be set in user settings, not in {1}.', spec.key, layer.where(l10n)));
    }
    return userScalar(spec);
  };

  /** An enum whose workspace value counts only when it is the strictest (last) one. */
  const strictestEnum = <T extends string>(spec: EnumSpec<T>): T => {
    let value = userScalar(spec);
    const strictest = spec.enum[spec.enum.length - 1];
    for (const layer of tightening) {
      if (!has(layer.values, spec.key)) continue;
      const raw = layer.values[spec.key];
      if (!spec.enum.includes(raw as T)) {
        report(spec.key, (l10n) => l10n.t('{0} in {1} is invalid and was ignored: use {2}.', spec.key, layer.where(l10n), spec.enum.map((v) => show(v)).join(', ')));
      } else if (raw !== strictest) {
        report(spec.key, (l10n) => l10n.t('ignored: {0} can only raise {1} to {2}, not set it to {3}. Change it in your user settings instead.', layer.where(l10n), spec.key, show(strictest), show(raw)));
      } else {
        value = raw as T;
      }
    }
    return value;
  };

  const maxDurationSeconds = limitedInteger(SETTING_SPECS.maxDurationSeconds);
  const limits: PolicyLimits = {
    maxDurationSeconds,
    defaultDurationSeconds: Math.min(limitedInteger(SETTING_SPECS.defaultDurationSeconds), maxDurationSeconds),
    allowWithoutConsent: limitedBoolean(SETTING_SPECS.allowWithoutConsent),
    consentTimeoutSeconds: limitedInteger(SETTING_SPECS.consentTimeoutSeconds),
    agentWaitSeconds: limitedInteger(SETTING_SPECS.agentWaitSeconds),
    killOnExpiry: limitedBoolean(SETTING_SPECS.killOnExpiry),
    allowPrefix: limitedBoolean(SETTING_SPECS.allowPrefixGrants),
    outputLimitKiB: limitedInteger(SETTING_SPECS.outputLimitKiB),
    maxRunTimeoutSeconds: limitedInteger(SETTING_SPECS.maxRunTimeoutSeconds),
    sandbox: strictestEnum(SETTING_SPECS.runSandbox),
  };
  // Trimmed: the account is typed by hand ("my.1password.com "); blank means not configured.
  const account = userOnlyString(SETTING_SPECS.onePasswordAccount).trim();
  const policy: Policy = {
    trusted: layers.trusted,
    credentials: parseCredentials(user, tightening, report),
    ruleLayers: [user, ...tightening].map((layer) => parseRules(layer, report)),
    limits,
    endpoint: { enabled: limitedBoolean(SETTING_SPECS.endpointEnabled), port: limitedInteger(SETTING_SPECS.endpointPort) },
    onePassword: { account: account === '' ? undefined : account, timeoutSeconds: limitedInteger(SETTING_SPECS.onePasswordTimeoutSeconds) },
    audit: { maxFileSizeMiB: limitedInteger(SETTING_SPECS.auditMaxFileSizeMiB) },
    insights: { usualHours: usualHoursSetting(userOnlyString(SETTING_SPECS.usualHours), report) },
  };
  return { policy, problems };
}

type Report = (setting: string, say: Say) => void;

/** `airlock.insights.usualHours`: blank is off; a value that does not parse is reported and off. */
function usualHoursSetting(text: string, report: Report): UsualHours | undefined {
  if (text.trim() === '') return undefined;
  const parsed = parseUsualHours(text);
  if (parsed === undefined) report(SETTING_SPECS.usualHours.key, (l10n) => l10n.t('{0} must look like "08:00-19:00" (local time); it was ignored.', SETTING_SPECS.usualHours.key));
  return parsed;
}

/** The entries of an array setting in one layer; a non-array value is reported and treated as empty. */
function entries(layer: Layer, spec: SettingSpec, example: string, report: Report): readonly unknown[] {
  if (!has(layer.values, spec.key)) return [];
  const parsed = scalarSchema(spec).safeParse(layer.values[spec.key]);
  if (parsed.success) return parsed.data as unknown[];
  report(spec.key, (l10n) => l10n.t('{0} in {1} is invalid and was ignored ({2}). It must be a list of at most 500 entries like {3}.', spec.key, layer.where(l10n), zodMessage(parsed.error), example));
  return [];
}

const CREDENTIAL_EXAMPLE = '{ "name": "DEPLOY_TOKEN", "description": "Deploys to production", "source": "op://Prod/Deploy/token" }';
const RULE_EXAMPLE = '{ "credentials": "DEPLOY_*", "command": "npm run deploy", "decision": "ask" }';

function parseCredentials(user: Layer, workspaceLayers: readonly Layer[], report: Report): Credential[] {
  const key = SETTING_SPECS.credentials.key;
  const byName = new Map<string, Credential>();
  // Folder layers cannot define credentials (the setting is window-scoped); VS Code ignores them too.
  const layers = [user, ...workspaceLayers.filter((layer) => layer.origin === 'remote' || layer.origin === 'workspace')];
  for (const layer of layers) {
    const origin = layer.origin === 'user' ? 'user' : layer.origin === 'remote' ? 'remote' : 'workspace';
    for (const [index, raw] of entries(layer, SETTING_SPECS.credentials, CREDENTIAL_EXAMPLE, report).entries()) {
      const at = (l10n: L10n): string => l10n.t('{0}[{1}] in {2}', key, index, layer.where(l10n));
      const entry = credentialEntrySchema.safeParse(raw);
      if (!entry.success) {
        report(key, (l10n) => l10n.t('{0} is invalid and was ignored ({1}). Write it like {2}.', at(l10n), zodMessage(entry.error), CREDENTIAL_EXAMPLE));
        continue;
      }
      const { name, description } = entry.data;
      if (!validateCredentialName(name).ok) {
        report(key, (l10n) => l10n.t('{0} was ignored: {1}', at(l10n), failureMessage(validateCredentialName(name, l10n))));
        continue;
      }
      const env = validateEnvName(entry.data.env ?? name);
      if (!env.ok) {
        report(key, (l10n) => l10n.t('{0} ({1}) was ignored: {2}', at(l10n), name, failureMessage(validateEnvName(entry.data.env ?? name, l10n))));
        continue;
      }
      const source = parseReference(entry.data.source);
      if (!source.ok) {
        report(key, (l10n) => l10n.t('{0} ({1}) was ignored: its "source" is not a valid reference. {2}', at(l10n), name, failureMessage(parseReference(entry.data.source, l10n))));
        continue;
      }
      const { hosts, bodies } = entry.data;
      if (bodies !== undefined && hosts === undefined) {
        report(key, (l10n) => l10n.t('{0} ({1}): "bodies" applies only with "hosts" and was ignored.', at(l10n), name));
      }
      const existing = byName.get(name);
      if (existing !== undefined) {
        if (existing.origin !== origin) {
          if (existing.source.raw !== source.value.raw || existing.env !== env.value) {
            report(key, (l10n) => l10n.t('ignored: {0} cannot change where {1} comes from or which variable it sets (your user settings define it); the workspace entry {2} was ignored.', layer.where(l10n), name, at(l10n)));
          } else if (hosts !== undefined || bodies !== undefined) {
            const narrowed = narrowDelivery(existing, hosts, bodies);
            if (narrowed.ok) byName.set(name, narrowed.credential);
            else report(key, (l10n) => l10n.t('ignored: {0} {1}; a workspace may only narrow how {2} travels (your user settings define it).', at(l10n), narrowed.why(l10n), name));
          }
        } else {
          report(key, (l10n) => l10n.t('{0} was ignored: {1} is already defined earlier in {2}. Remove the duplicate.', at(l10n), name, layer.where(l10n)));
        }
        continue;
      }
      byName.set(name, {
        name,
        description,
        env: env.value,
        source: source.value,
        origin,
        ...(hosts === undefined ? {} : { hosts: [...new Set(hosts)].sort(), ...(bodies === undefined ? {} : { bodies }) }),
      });
    }
  }
  return [...byName.values()];
}

/**
 * A workspace entry for a credential the person's user settings define may only narrow its delivery:
 * fewer of the user's hosts, or headers only where the user allowed bodies. It can never add a host (that
 * would send the person's value to a server the repository chose), never bind an env-delivered
 * credential to hosts of its choosing, and never turn on body substitution.
 */
function narrowDelivery(user: Credential, hosts: readonly string[] | undefined, bodies: boolean | undefined): { ok: true; credential: Credential } | { ok: false; why: Say } {
  if (hosts !== undefined) {
    if (user.hosts === undefined) return { ok: false, why: (l10n) => l10n.t('names hosts for a credential your user settings deliver in the environment') };
    const extra = hosts.filter((host) => !user.hosts?.includes(host));
    if (extra.length > 0) return { ok: false, why: (l10n) => l10n.t('adds host(s) {0}', extra.join(', ')) };
  }
  if (bodies === true && user.bodies !== true) return { ok: false, why: (l10n) => l10n.t('turns on body substitution') };
  const narrowedHosts = hosts === undefined ? user.hosts : [...new Set(hosts)].sort();
  const narrowedBodies = bodies === undefined ? user.bodies : bodies;
  return {
    ok: true,
    credential: {
      ...user,
      ...(narrowedHosts === undefined ? {} : { hosts: narrowedHosts }),
      ...(narrowedHosts === undefined || narrowedBodies === undefined ? {} : { bodies: narrowedBodies }),
    },
  };
}

function parseRules(layer: Layer, report: Report): RuleLayer {
  const key = SETTING_SPECS.rules.key;
  const rules: PolicyRule[] = [];
  for (const [index, raw] of entries(layer, SETTING_SPECS.rules, RULE_EXAMPLE, report).entries()) {
    // The rule's label is English (it reaches the agent in policy notes); the problems say it translated.
    const at = (l10n: L10n): string => l10n.t('{0}[{1}] in {2}', key, index, layer.where(l10n));
    const label = at(plainL10n);
    const entry = ruleEntrySchema.safeParse(raw);
    if (!entry.success) {
      report(key, (l10n) => l10n.t('{0} is invalid and was ignored ({1}). Write it like {2}; "decision" is "ask", "allow" or "deny".', at(l10n), zodMessage(entry.error), RULE_EXAMPLE));
      continue;
    }
    const value = entry.data;
    if (layer.origin !== 'user' && isRegexPattern(value.command)) {
      // A repository could plant a catastrophically backtracking expression; globs cannot backtrack badly.
      report(key, (l10n) => l10n.t('{0} was ignored: regular expressions in "command" are accepted only in user settings. Use a glob such as "npm run *" in {1}.', at(l10n), layer.where(l10n)));
      continue;
    }
    const command = compileCommandPattern(value.command);
    if (!command.ok) {
      report(key, (l10n) => l10n.t('{0} was ignored: {1} Fix the expression or use a glob such as "npm run *".', at(l10n), command.message));
      continue;
    }
    if (layer.origin !== 'user' && value.decision === 'allow') {
      report(key, (l10n) =>
        value.credentials === '*'
          ? l10n.t('ignored: {0} cannot allow credentials without consent ({1} says "allow"; its limits still apply). Only your user settings can allow.', layer.where(l10n), at(l10n))
          : l10n.t('ignored: {0} cannot allow {1} without consent ({2} says "allow"; its limits still apply). Only your user settings can allow.', layer.where(l10n), value.credentials, at(l10n)));
    }
    // What an allow covers; on an ask or deny rule it would mean nothing, so it is dropped (the rule stays).
    const scope = value.decision === 'allow' ? { network: value.network, writes: value.writes } : {};
    if (value.decision !== 'allow' && (value.network !== undefined || value.writes !== undefined)) {
      report(key, (l10n) => l10n.t('{0}: "network" and "writes" apply only to "allow" rules (they say what an allowed request may name) and were ignored; the rule itself still applies.', at(l10n)));
    }
    rules.push({
      label,
      credentials: compileGlob(value.credentials),
      clients: compileGlob(value.clients),
      command: command.value,
      cwd: compileGlob(value.cwd),
      decision: value.decision,
      ...(value.maxDurationSeconds === undefined ? {} : { maxDurationSeconds: value.maxDurationSeconds }),
      ...(value.maxRuns === undefined ? {} : { maxRuns: value.maxRuns }),
      ...(scope.network === undefined ? {} : { network: [...new Set(scope.network)].sort() }),
      ...(scope.writes === undefined ? {} : { writes: [...new Set(scope.writes)] }),
    });
  }
  return { origin: layer.origin, rules };
}

import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { ClientId } from '../clients';
import type { ConsentLimits } from '../consent/consent';
import type { Credential } from '../credentials';
import type { PolicyDenyCode } from '../errorCodes';
import { isInside } from '../paths';
import { hostCovered } from '../sandbox/sealedRun';
import type { Policy, PolicyRule, RuleLayer } from './policy';
import { DECISIONS, type Decision } from './schema';

/** What an agent asks for, as policy sees it. */
export interface PolicyRequest {
  /** From the bearer token, not the agent's claim. */
  readonly client: ClientId;
  readonly credentials: readonly string[];
  readonly command: string;
  /** Absolute. */
  readonly cwd: string;
  readonly workspaceFolders: readonly string[];
  readonly requestedDurationSeconds?: number;
  readonly requestedMaxRuns?: number;
  /** Hosts the request names beyond its credentials' hosts (sealed runs). Default none. */
  readonly network?: readonly string[];
  /** Absolute realpaths the request asks to write, inside its workspace folder (sealed runs). Default none. */
  readonly writes?: readonly string[];
}

export type { PolicyDenyCode };

export type PolicyDecision =
  | { readonly kind: 'deny'; readonly code: PolicyDenyCode; readonly message: string }
  /** `note`: why an `allow` rule did not cover the request (for the card and the audit). */
  | { readonly kind: 'ask'; readonly limits: ConsentLimits; readonly note?: string }
  | { readonly kind: 'allow'; readonly limits: ConsentLimits };

const strictness = (decision: Decision): number => DECISIONS.indexOf(decision);
const stricter = (a: Decision, b: Decision): Decision => (strictness(a) <= strictness(b) ? a : b);
const minDefined = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);

/** The workspace folder holding `cwd` (after resolving `..`), or undefined. */
export function containingFolder(cwd: string, folders: readonly string[]): string | undefined {
  return folders.find((folder) => isInside(folder, cwd));
}

function cwdMatches(rule: PolicyRule, cwd: string, folder: string): boolean {
  if (rule.cwd.kind === 'any') return true;
  const absolute = resolve(cwd);
  // A pattern that is not absolute (e.g. `packages/api*`) is relative to the request's workspace folder.
  if (isAbsolute(rule.cwd.source) || rule.cwd.source.startsWith('*')) return rule.cwd.test(absolute);
  return rule.cwd.test(relative(resolve(folder), absolute).split(sep).join('/') || '.');
}

interface LayerAnswer {
  readonly decision: Decision;
  readonly maxDurationSeconds?: number;
  readonly maxRuns?: number;
  readonly rule?: PolicyRule;
  /** An `allow` rule turned into `ask` because the request names more than it covers: what, in words. */
  readonly uncovered?: string;
}

/** At most this many hosts or paths are named in a note; the rest are counted. */
const NOTE_ITEMS = 10;
const listed = (items: readonly string[]): string =>
  items.length > NOTE_ITEMS ? `${items.slice(0, NOTE_ITEMS).join(', ')} and ${items.length - NOTE_ITEMS} more` : items.join(', ');

/** A requested credential's name and its own hosts (host-bound delivery). */
interface RequestedHosts {
  readonly name: string;
  readonly hosts: readonly string[];
}

/**
 * What the run would reach or write that the allow `rule` does not cover. The run reaches the hosts the
 * request names plus every requested credential's hosts; the rule covers its own `network` plus the
 * hosts of the requested credentials it matches itself — not those of a credential another rule allowed
 * (two allows, each harmless alone, would otherwise put one credential's value in a run that can reach
 * the other's API). Write paths must be inside one of the rule's `writes`. Undefined when it covers all.
 */
function uncoveredBy(rule: PolicyRule, request: PolicyRequest, folder: string, requested: readonly RequestedHosts[]): string | undefined {
  const hosts = [...(rule.network ?? []), ...requested.filter((c) => rule.credentials.test(c.name)).flatMap((c) => c.hosts)];
  const reached = [...(request.network ?? []), ...requested.flatMap((c) => c.hosts)];
  const extraHosts = [...new Set(reached)].filter((host) => !hostCovered(host, hosts));
  // Relative rule paths are the request's workspace folder's; the one path-inside rule decides.
  const roots = (rule.writes ?? []).map((path) => (isAbsolute(path) ? resolve(path) : resolve(folder, path)));
  const extraWrites = [...new Set(request.writes ?? [])].filter((path) => !roots.some((root) => isInside(root, path)));
  const parts = [
    ...(extraHosts.length === 0 ? [] : [`network not covered by the allow rule ${rule.label}: ${listed(extraHosts)}`]),
    ...(extraWrites.length === 0 ? [] : [`writes not covered by the allow rule ${rule.label}: ${listed(extraWrites)}`]),
  ];
  return parts.length === 0 ? undefined : parts.join('; ');
}

function answerOf(layer: RuleLayer, credential: Credential, request: PolicyRequest, folder: string, requested: readonly RequestedHosts[]): LayerAnswer {
  const rule = layer.rules.find(
    (candidate) =>
      candidate.credentials.test(credential.name) &&
      candidate.clients.test(request.client) &&
      candidate.command.test(request.command) &&
      cwdMatches(candidate, request.cwd, folder),
  );
  // No match: the person's layer asks; a workspace or folder layer stays neutral (it can only tighten).
  if (rule === undefined) return { decision: layer.origin === 'user' ? 'ask' : 'allow' };
  // An allow covers only the hosts and write paths its rule names; beyond them a person decides (ask,
  // never deny). A workspace layer's allow is neutral at best, so its own coverage can only tighten.
  const uncovered = rule.decision === 'allow' ? uncoveredBy(rule, request, folder, requested) : undefined;
  return {
    decision: uncovered === undefined ? rule.decision : 'ask',
    ...(uncovered === undefined ? {} : { uncovered }),
    rule,
    ...(rule.maxDurationSeconds === undefined ? {} : { maxDurationSeconds: rule.maxDurationSeconds }),
    ...(rule.maxRuns === undefined ? {} : { maxRuns: rule.maxRuns }),
  };
}

/**
 * Decides what a request needs: `deny` (unknown credential, cwd outside every workspace folder, a
 * matching deny rule), `ask`, or `allow` — the latter only when the person turned on
 * `airlock.policy.allowWithoutConsent` in user settings, no requested credential is workspace-defined,
 * and every host and write path the request names is covered by the allow rule's `network` and
 * `writes` (otherwise `ask`, with a note saying what was not covered).
 * Per credential the first matching rule of each layer answers; the most restrictive answer wins.
 */
export function evaluate(request: PolicyRequest, policy: Policy): PolicyDecision {
  const names = [...new Set(request.credentials)];
  if (names.length === 0) {
    return { kind: 'deny', code: 'no-credentials', message: 'The request names no credential. Ask for at least one credential by name (list_credentials shows them).' };
  }
  const byName = new Map(policy.credentials.map((credential) => [credential.name, credential]));
  const unknown = names.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    const known = policy.credentials.map((credential) => credential.name);
    return {
      kind: 'deny',
      code: 'unknown-credential',
      message:
        `Unknown credential${unknown.length === 1 ? '' : 's'}: ${unknown.slice(0, 10).map((name) => JSON.stringify(name.slice(0, 64))).join(', ')}. ` +
        (known.length > 0 ? `Defined credentials: ${known.join(', ')}. ` : 'No credentials are defined. ') +
        'A person defines credentials in the "airlock.credentials" setting, e.g. { "name": "DEPLOY_TOKEN", "description": "…", "source": "secret:DEPLOY_TOKEN" }, or through Airlock: Add Secret.',
    };
  }
  const folder = containingFolder(request.cwd, request.workspaceFolders);
  if (folder === undefined) {
    return {
      kind: 'deny',
      code: 'cwd-outside-workspace',
      message: 'The working directory must be an absolute path inside one of the open workspace folders. Use a folder of this workspace as cwd.',
    };
  }

  let decision: Decision = 'allow';
  let maxDurationSeconds: number | undefined = policy.limits.maxDurationSeconds;
  let maxRuns: number | undefined;
  let allowPrefix = policy.limits.allowPrefix;
  let denyingRule: PolicyRule | undefined;
  const notes = new Set<string>();
  const requested = names.map((name) => ({ name, hosts: byName.get(name)?.hosts ?? [] }));
  for (const name of names) {
    const credential = byName.get(name);
    if (credential === undefined) continue;
    let credentialDecision: Decision = 'allow';
    for (const layer of policy.ruleLayers) {
      const answer = answerOf(layer, credential, request, folder, requested);
      if (answer.uncovered !== undefined) notes.add(answer.uncovered);
      credentialDecision = stricter(credentialDecision, answer.decision);
      if (answer.decision === 'deny' && denyingRule === undefined) denyingRule = answer.rule;
      maxDurationSeconds = minDefined(maxDurationSeconds, answer.maxDurationSeconds);
      maxRuns = minDefined(maxRuns, answer.maxRuns);
      // A prefix grant would let later commands skip rules that look at the command.
      if (layer.rules.some((rule) => rule.command.kind !== 'any' && rule.credentials.test(name) && rule.clients.test(request.client))) {
        allowPrefix = false;
      }
    }
    if (credential.origin !== 'user') {
      allowPrefix = false;
      credentialDecision = stricter(credentialDecision, 'ask');
    }
    decision = stricter(decision, credentialDecision);
  }

  if (decision === 'deny') {
    return {
      kind: 'deny',
      code: 'denied-by-policy',
      message: `Airlock's policy denies this request${denyingRule === undefined ? '' : ` (${denyingRule.label})`}. The person can change "airlock.policy.rules" in their settings.`,
    };
  }
  if (decision === 'allow' && !policy.limits.allowWithoutConsent) decision = 'ask';

  const max = Math.max(1, maxDurationSeconds ?? policy.limits.maxDurationSeconds);
  const requestedRuns = request.requestedMaxRuns !== undefined && request.requestedMaxRuns >= 1 ? Math.floor(request.requestedMaxRuns) : undefined;
  const requestedDuration = request.requestedDurationSeconds !== undefined && request.requestedDurationSeconds >= 1 ? Math.floor(request.requestedDurationSeconds) : undefined;
  const limits: ConsentLimits = {
    maxDurationSeconds: max,
    defaultDurationSeconds: Math.min(requestedDuration ?? policy.limits.defaultDurationSeconds, policy.limits.defaultDurationSeconds, max),
    maxRuns: decision === 'allow' ? (minDefined(maxRuns, requestedRuns) ?? null) : (maxRuns ?? null),
    allowPrefix,
  };
  // The note matters only where an allow could have applied: with allowWithoutConsent off, every request asks anyway.
  if (decision === 'ask' && notes.size > 0 && policy.limits.allowWithoutConsent) return { kind: 'ask', limits, note: [...notes].join('; ') };
  return { kind: decision, limits };
}

import { Settings } from '../../shared/ids';
import { plainL10n, type L10n, type Say } from '../../shared/l10n';
import type { Credential } from '../credentials';
import { decideSeal, deliveryText, unavailableReason, networkAllowlist, type SandboxAvailability, type SandboxMode, type SealDecision, type SealedCredential } from '../sandbox/sealedRun';

/** What the machine can do; compose adapts the sandbox probe (src/adapters/node/spawnSealed.ts) to it. */
export interface SandboxPort {
  availability(): Promise<SandboxAvailability>;
}

/** Without a port (unit tests of unrelated parts): nothing can be sealed. */
export const NO_SANDBOX: SandboxPort = { availability: () => Promise.resolve({ available: false, platform: 'other', missing: [] }) };

export const sealedCredentialOf = (credential: Credential): SealedCredential => ({
  name: credential.name,
  env: credential.env,
  ...(credential.hosts === undefined ? {} : { hosts: credential.hosts, ...(credential.bodies === undefined ? {} : { bodies: credential.bodies }) }),
});

/**
 * How a request or run goes: `airlock.run.sandbox` × what the machine has, and one rule more — a
 * host-bound credential travels only through the sandbox's proxy, so a run that cannot be sealed is
 * refused when it holds one (never downgraded to environment delivery).
 */
export function sealFor(mode: SandboxMode, availability: SandboxAvailability, credentials: readonly Credential[]): SealDecision {
  const decision = decideSeal(mode, availability);
  if (decision.kind !== 'unsealed') return decision;
  const bound = credentials.filter((c) => c.hosts !== undefined && c.hosts.length > 0).map((c) => c.name);
  if (bound.length === 0) return decision;
  const names = bound.join(', ');
  const one = bound.length === 1;
  const reason: Say =
    mode === 'off'
      ? (l10n) =>
          one
            ? l10n.t('{0} is bound to hosts and can only be used in a sealed run, which is not possible here: sandboxing is off ({1}: "off")', names, Settings.runSandbox)
            : l10n.t('{0} are bound to hosts and can only be used in a sealed run, which is not possible here: sandboxing is off ({1}: "off")', names, Settings.runSandbox)
      : (l10n) =>
          one
            ? l10n.t('{0} is bound to hosts and can only be used in a sealed run, which is not possible here: {1}.', names, unavailableReason(availability, l10n))
            : l10n.t('{0} are bound to hosts and can only be used in a sealed run, which is not possible here: {1}.', names, unavailableReason(availability, l10n));
  return {
    kind: 'refused',
    reason,
    ...(decision.fix === undefined ? {} : { fix: decision.fix }),
  };
}

/** The refusal's message for the agent (English): the reason and the one command that fixes it, when there is one. */
export const sealRefusalMessage = (decision: Extract<SealDecision, { kind: 'refused' }>): string =>
  decision.fix === undefined ? decision.reason(plainL10n) : `${decision.reason(plainL10n)} Fix: ${decision.fix}`;

/** How each credential travels in a run under `decision` (the card's words). */
export const deliveryFor = (credential: Credential, decision: SealDecision, l10n: L10n): string =>
  decision.kind === 'sealed' ? deliveryText(sealedCredentialOf(credential), l10n) : l10n.t('in the command’s environment (not sealed)');

/** The hosts a run may reach: its credentials' hosts and the hosts it names. */
export const allowlistFor = (credentials: readonly Credential[], network: readonly string[]): string[] =>
  networkAllowlist({ folder: '/', writes: [], network, credentials: credentials.map(sealedCredentialOf) });

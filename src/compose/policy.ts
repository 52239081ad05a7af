import * as vscode from 'vscode';
import { registerCodeChanges } from '../adapters/vscode/codeChanges';
import { readCommandInsight } from '../adapters/vscode/commandInsight';
import { ConsentPanel } from '../adapters/vscode/consentPanel';
import { createPolicySettings, type PolicySettings } from '../adapters/vscode/settings';
import type { CommandInsight } from '../core/consent/consent';
import type { PolicyProblem } from '../core/policy/policy';
import { policyFacet } from '../testFacet/facets';
import type { Base, Contribution } from './feature';

export interface PolicyFeature extends Contribution {
  /** Every Airlock setting parsed once into a typed Policy; every reader (endpoint, 1Password, audit) takes it. */
  readonly policy: PolicySettings;
  /** Fired with each new set of settings problems (the audit records them). */
  readonly onProblems: vscode.Event<readonly PolicyProblem[]>;
  /** The panel: the only place a request is approved. */
  readonly consent: ConsentPanel;
  /** What `npm run X` / `make X` really runs, for the cards. */
  readonly insight: (command: string, cwd: string) => Promise<CommandInsight | undefined>;
}

/**
 * Policy & consent: the settings (user settings define what is possible; workspace values only tighten and
 * count for nothing when untrusted) and the consent panel.
 */
export function composePolicy(base: Base): PolicyFeature {
  const problems = new vscode.EventEmitter<readonly PolicyProblem[]>();
  const policy = createPolicySettings(base.log, () => base.channel.show(true), (list) => problems.fire(list));
  // "Open changes in diff editor" on a card: the uncommitted changes the command would run.
  const codeChanges = registerCodeChanges(base.log);
  const consent = new ConsentPanel(base.context.extensionUri, base.clock, base.log, (request) => codeChanges.show(request));
  return {
    policy,
    onProblems: problems.event,
    consent,
    insight: readCommandInsight,
    disposables: [problems, policy, consent, codeChanges],
    status: [
      () => {
        const current = policy.current();
        const rules = current.ruleLayers.reduce((n, layer) => n + layer.rules.length, 0);
        const trust = current.trusted ? vscode.l10n.t('trusted') : vscode.l10n.t('untrusted (its settings ignored)');
        return vscode.l10n.t('Policy: {0} credential(s), {1} rule(s), {2} settings problem(s), workspace {3}; {4} consent request(s) pending.', current.credentials.length, rules, policy.problems().length, trust, consent.pending().length);
      },
    ],
    testFacet: AIRLOCK_TEST_FACET && base.testMode ? policyFacet(policy, consent) : undefined,
  };
}

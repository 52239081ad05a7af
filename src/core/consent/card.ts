import { plainL10n, type L10n } from '../../shared/l10n';
import { CLIENT_LABELS } from '../clients';
import type { Card } from '../../shared/protocol';
import { MAX_REASON_LENGTH, MAX_SHOWN_COMMAND_CHARS, MAX_SHOWN_PATH_CHARS } from '../../shared/protocol';
import { reveal, revealCapped } from '../text/untrustedText';
import type { ConsentRequest } from './consent';

/** Untrusted text that may be shortened (claims, descriptions, the reason): revealed, then capped. */
const cap = (text: string, max: number, multiline = false): string => revealCapped(text, max, { multiline });

/**
 * Text that must be shown whole (the command, the folder): revealed, never cut. The MCP input schema
 * refuses anything longer, so this throws only on a bug — and a card that cannot be built is a request
 * that is never approved.
 */
function whole(text: string, max: number, what: string): string {
  const shown = reveal(text);
  if (shown.length > max) throw new Error(`The ${what} is too long to show whole on the consent card (${shown.length} > ${max} characters).`);
  return shown;
}

/** At most 200 paths (file names from the workspace: untrusted); a longer list ends with how many more there are. */
const paths = (list: readonly string[], l10n: L10n): string[] =>
  list.length > 200 ? [...list.slice(0, 199).map((p) => cap(p, 4096)), l10n.t('… and {0} more', list.length - 199)] : list.map((p) => cap(p, 4096));

/**
 * The card the webview renders for a request: names, references, the command and the agent's untrusted
 * text with invisible characters revealed and lengths capped. Never a value (a request carries none).
 * `l10n` translates Airlock's own words on it (English by default, for tests); the agent's text is never translated.
 */
export function toCard(request: ConsentRequest, l10n: L10n = plainL10n): Card {
  const { client } = request;
  return {
    requestId: request.id,
    client: {
      id: client.id,
      label: CLIENT_LABELS[client.id],
      ...(client.claimedName === undefined ? {} : { claimedName: cap(client.claimedName, 200) }),
      ...(client.claimedVersion === undefined ? {} : { claimedVersion: cap(client.claimedVersion, 100) }),
    },
    credentials: request.credentials.slice(0, 64).map((credential) => ({
      name: cap(credential.name, 64),
      description: cap(credential.description, 500),
      env: cap(credential.env, 128),
      store: cap(credential.store, 64),
      reference: cap(credential.reference, 1024),
      definedByWorkspace: credential.definedByWorkspace,
      ...(credential.definedOnRemote === true ? { definedOnRemote: true } : {}),
      ...(credential.delivery === undefined ? {} : { delivery: cap(credential.delivery, 600) }),
    })),
    command: whole(request.command, MAX_SHOWN_COMMAND_CHARS, 'command'),
    cwd: whole(request.cwd, MAX_SHOWN_PATH_CHARS, 'folder'),
    reason: cap(request.reason, MAX_REASON_LENGTH),
    limits: { ...request.limits },
    ...(request.requestedDurationSeconds === undefined ? {} : { requestedDurationSeconds: Math.min(604_800, Math.max(0, Math.floor(request.requestedDurationSeconds))) }),
    ...(request.requestedMaxRuns === undefined ? {} : { requestedMaxRuns: Math.max(1, Math.floor(request.requestedMaxRuns)) }),
    ...(request.insight === undefined
      ? {}
      : {
          insight: {
            source: cap(request.insight.source, 200),
            body: cap(request.insight.body, 8192, true),
            uncommittedChanges: request.insight.uncommittedChanges,
            ...(request.insight.file === undefined ? {} : { file: cap(request.insight.file, 4096) }),
            ...(request.insight.warnings === undefined ? {} : { warnings: request.insight.warnings.slice(0, 32).map((w) => cap(w, 1000)) }),
            ...(request.insight.code === undefined ? {} : { code: cap(request.insight.code, 500) }),
            ...(request.insight.changedFiles === undefined ? {} : { changedFiles: paths(request.insight.changedFiles, l10n) }),
            ...(request.insight.sections === undefined
              ? {}
              : { sections: request.insight.sections.slice(0, 16).map((s) => ({ title: cap(s.title, 300), body: cap(s.body, 8192, true) })) }),
            ...(request.insight.changedSinceApproval === undefined ? {} : { changedSinceApproval: paths(request.insight.changedSinceApproval, l10n) }),
          },
        }),
    // Where the command may connect and write is shown whole, like the command: never cut, never sliced
    // (the MCP input schema bounds how many there are).
    ...(request.network === undefined ? {} : { network: request.network.map((host) => whole(host, 253, 'host')) }),
    ...(request.writes === undefined ? {} : { writes: request.writes.map((path) => whole(path, MAX_SHOWN_PATH_CHARS, 'write path')) }),
    ...(request.seal === undefined ? {} : { seal: { sealed: request.seal.sealed, text: cap(request.seal.text, 1000) } }),
    ...(request.policyNote === undefined ? {} : { policyNote: cap(request.policyNote, 2000) }),
    createdAt: request.createdAt,
    deadline: request.deadline,
  };
}

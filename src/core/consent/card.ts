import { CLIENT_LABELS } from '../clients';
import type { Card } from '../../shared/protocol';
import { MAX_REASON_LENGTH } from '../../shared/protocol';
import type { ConsentRequest } from './consent';

// Control characters (except tab and newline), bidi overrides/isolates and zero-width characters can make
// a command look like something else ("Trojan Source"); the card shows them as visible code points.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/** Makes invisible and direction-changing characters visible as `⟨U+XXXX⟩`; everything else unchanged. */
export function revealInvisible(text: string): string {
  return text.replace(INVISIBLE, (char) => `⟨U+${char.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0') ?? '????'}⟩`);
}

const cap = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
/** At most 200 paths; a longer list ends with how many more there are. */
const paths = (list: readonly string[]): string[] =>
  list.length > 200 ? [...list.slice(0, 199).map((p) => cap(revealInvisible(p), 4096)), `… and ${list.length - 199} more`] : list.map((p) => cap(revealInvisible(p), 4096));

/**
 * The card the webview renders for a request: names, references, the command and the agent's untrusted
 * text with invisible characters revealed and lengths capped. Never a value (a request carries none).
 */
export function toCard(request: ConsentRequest): Card {
  const { client } = request;
  return {
    requestId: request.id,
    client: {
      id: client.id,
      label: CLIENT_LABELS[client.id],
      ...(client.claimedName === undefined ? {} : { claimedName: cap(revealInvisible(client.claimedName), 200) }),
      ...(client.claimedVersion === undefined ? {} : { claimedVersion: cap(revealInvisible(client.claimedVersion), 100) }),
    },
    credentials: request.credentials.slice(0, 64).map((credential) => ({
      name: cap(credential.name, 64),
      description: cap(revealInvisible(credential.description), 500),
      env: cap(credential.env, 128),
      store: cap(credential.store, 64),
      reference: cap(revealInvisible(credential.reference), 1024),
      definedByWorkspace: credential.definedByWorkspace,
    })),
    command: cap(revealInvisible(request.command), 8192),
    cwd: cap(revealInvisible(request.cwd), 4096),
    reason: cap(revealInvisible(request.reason), MAX_REASON_LENGTH),
    limits: { ...request.limits },
    ...(request.requestedDurationSeconds === undefined ? {} : { requestedDurationSeconds: Math.min(604_800, Math.max(0, Math.floor(request.requestedDurationSeconds))) }),
    ...(request.requestedMaxRuns === undefined ? {} : { requestedMaxRuns: Math.max(1, Math.floor(request.requestedMaxRuns)) }),
    ...(request.insight === undefined
      ? {}
      : {
          insight: {
            source: cap(revealInvisible(request.insight.source), 200),
            body: cap(revealInvisible(request.insight.body), 8192),
            uncommittedChanges: request.insight.uncommittedChanges,
            ...(request.insight.file === undefined ? {} : { file: cap(request.insight.file, 4096) }),
            ...(request.insight.warnings === undefined ? {} : { warnings: request.insight.warnings.slice(0, 32).map((w) => cap(revealInvisible(w), 1000)) }),
            ...(request.insight.code === undefined ? {} : { code: cap(revealInvisible(request.insight.code), 500) }),
            ...(request.insight.changedFiles === undefined ? {} : { changedFiles: paths(request.insight.changedFiles) }),
            ...(request.insight.sections === undefined
              ? {}
              : { sections: request.insight.sections.slice(0, 16).map((s) => ({ title: cap(revealInvisible(s.title), 300), body: cap(revealInvisible(s.body), 8192) })) }),
            ...(request.insight.changedSinceApproval === undefined ? {} : { changedSinceApproval: paths(request.insight.changedSinceApproval) }),
          },
        }),
    createdAt: request.createdAt,
    deadline: request.deadline,
  };
}

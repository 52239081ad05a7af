import { z } from 'zod';

/**
 * The one typed protocol between the consent panel host (src/adapters/vscode/consentPanel.ts) and its
 * webview (webview/consent/main.ts). Both sides validate every message with these schemas. The webview
 * posts `ready` first; the host posts nothing before it.
 */

/**
 * Longest command and folder the card shows (revealed, see src/core/text/untrustedText.ts). The MCP input
 * schema accepts at most 4,096 bytes of command without hidden characters, so every accepted command fits
 * whole; a command that would not is refused there, never cut here.
 */
export const MAX_SHOWN_COMMAND_CHARS = 32_768;
export const MAX_SHOWN_PATH_CHARS = 65_536;

const id = z.string().min(1).max(128);
const seconds = z.int().min(0).max(604_800);

// ── webview → host ──────────────────────────────────────────────────────────────────────────────────

export const readyMessage = z.strictObject({ type: z.literal('ready') });

/** The person's answer to one card. The host accepts it only for a request it issued and still holds. */
export const decideMessage = z.strictObject({
  type: z.literal('decide'),
  requestId: id,
  /** The panel instance's nonce from the last `state`; a message from an older panel is refused. */
  nonce: id,
  decision: z.enum(['approve', 'deny']),
  durationSeconds: seconds,
  /** null: unlimited within the duration (only honoured when the policy sets no run cap). */
  maxRuns: z.int().min(1).max(1_000_000).nullable(),
  commandMatch: z.enum(['exact', 'prefix']),
  blockClient: z.boolean(),
});

/** "Open the uncommitted changes in the diff editor" for a card the host still holds (opens files, decides nothing). */
export const showChangesMessage = z.strictObject({ type: z.literal('show-changes'), requestId: id, nonce: id });

export const webviewMessage = z.discriminatedUnion('type', [readyMessage, decideMessage, showChangesMessage]);
export type WebviewMessage = z.output<typeof webviewMessage>;
export type DecideMessage = z.output<typeof decideMessage>;

// ── host → webview ──────────────────────────────────────────────────────────────────────────────────

const text = (max: number) => z.string().max(max);

export const cardCredential = z.strictObject({
  name: text(64),
  description: text(500),
  env: text(128),
  store: text(64),
  reference: text(1024),
  definedByWorkspace: z.boolean(),
  /** Defined only in the remote machine's settings, which an agent there can write. */
  definedOnRemote: z.boolean().optional(),
  /** How the credential travels (sealed runs: host-bound placeholder or environment). */
  delivery: text(600).optional(),
});

export const card = z.strictObject({
  requestId: id,
  client: z.strictObject({
    id: text(32),
    /** From the token: who this really is. */
    label: text(64),
    /** From the agent's MCP clientInfo: untrusted, shown as "claims to be …". */
    claimedName: text(200).optional(),
    claimedVersion: text(100).optional(),
  }),
  credentials: z.array(cardCredential).max(64),
  /** Shown whole, never cut: the input schema refuses a command that would not fit revealed. */
  command: text(MAX_SHOWN_COMMAND_CHARS),
  cwd: text(MAX_SHOWN_PATH_CHARS),
  /** The agent's reason: untrusted plain text, length-capped. */
  reason: text(2000),
  limits: z.strictObject({
    defaultDurationSeconds: seconds,
    maxDurationSeconds: seconds,
    maxRuns: z.int().min(1).nullable(),
    allowPrefix: z.boolean(),
  }),
  requestedDurationSeconds: seconds.optional(),
  requestedMaxRuns: z.int().min(1).optional(),
  insight: z
    .strictObject({
      source: text(200),
      body: text(8192),
      uncommittedChanges: z.boolean(),
      file: text(4096).optional(),
      /** Shown loudly: Airlock cannot fully tell what runs. */
      warnings: z.array(text(1000)).max(32).optional(),
      /** "Runs committed code at …" / "Runs N uncommitted changes …". */
      code: text(500).optional(),
      changedFiles: z.array(text(4096)).max(200).optional(),
      sections: z.array(z.strictObject({ title: text(300), body: text(8192) })).max(16).optional(),
      /** A re-ask: what changed since the person approved this command. */
      changedSinceApproval: z.array(text(4096)).max(200).optional(),
    })
    .optional(),
  /** The network allowlist (sealed runs). */
  network: z.array(text(253)).max(256).optional(),
  /** Write paths (sealed runs); the rest of the workspace is read-only. */
  writes: z.array(text(4096)).max(64).optional(),
  /** Sealed, or why not and the one command that fixes it. */
  seal: z.strictObject({ sealed: z.boolean(), text: text(1000) }).optional(),
  /** Why the person is asked although an allow rule matched (what the request names beyond it). */
  policyNote: text(2000).optional(),
  createdAt: z.number(),
  deadline: z.number(),
});
export type Card = z.output<typeof card>;

export const stateMessage = z.strictObject({
  type: z.literal('state'),
  /** Echoed in every `decide`; new per panel instance. */
  nonce: id,
  /** The host's clock, so countdowns do not depend on the webview's. */
  now: z.number(),
  cards: z.array(card).max(1000),
});

/**
 * The display language's translations (`vscode.l10n.bundle`: English message → translation), posted once
 * after each `ready`, before the first `state`. Without it (English, or a bundle that does not parse) the
 * card stays English. Translations come from the installed extension or language pack, never a workspace.
 */
export const l10nMessage = z.strictObject({
  type: z.literal('l10n'),
  bundle: z.record(z.string().max(4096), z.string().max(16_384)).refine((bundle) => Object.keys(bundle).length <= 10_000),
});

export const hostMessage = z.discriminatedUnion('type', [stateMessage, l10nMessage]);
export type HostMessage = z.output<typeof hostMessage>;
export type StateMessage = z.output<typeof stateMessage>;

/** The longest reason shown; longer text is cut with an ellipsis before it reaches the card. */
export const MAX_REASON_LENGTH = 2000;

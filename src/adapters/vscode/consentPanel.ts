import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { CLIENT_LABELS } from '../../core/clients';
import type { Clock } from '../../core/clock';
import { toCard } from '../../core/consent/card';
import type { Consent, ConsentAnswer, ConsentRequest } from '../../core/consent/consent';
import { ConsentQueue } from '../../core/consent/consentQueue';
import type { Log } from '../../core/log';
import { webviewMessage, type HostMessage } from '../../shared/protocol';
import { vscodeL10n } from './l10n';

export const CONSENT_VIEW_TYPE = 'airlock.consent';

const token = (): string => randomBytes(18).toString('base64url');

/**
 * The consent panel: the only place a request can be approved. One webview panel beside the editor
 * (opened without taking focus) plus a notification. Guarantees: every message from the webview is
 * validated against the shared protocol; a decision counts only with the current panel's nonce and for
 * a request the queue still holds; closing the panel denies everything pending. No command, URI handler
 * or API approves — this class exposes none.
 */
export class ConsentPanel implements Consent, vscode.Disposable {
  private readonly queue: ConsentQueue;
  private panel: vscode.WebviewPanel | undefined;
  private panelNonce = '';
  private ready = false;
  /** One notification at a time: a flood of requests must not become a flood of toasts (the panel lists them all). */
  private notifying = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly clock: Clock,
    private readonly log: Log,
    /** Opens a request's uncommitted changes in the diff editor (src/adapters/vscode/codeChanges.ts). */
    private readonly showChanges?: (request: ConsentRequest) => void,
  ) {
    this.queue = new ConsentQueue(clock, log);
    this.unsubscribe = this.queue.onDidChange(() => this.post());
  }

  /** Requests waiting for the person, oldest first (read-only; for status and tests). */
  pending(): readonly ConsentRequest[] {
    return this.queue.pending();
  }

  ask(request: ConsentRequest, signal: AbortSignal): Promise<ConsentAnswer> {
    const answer = this.queue.ask(request, signal);
    if (this.queue.pending().some((pending) => pending.id === request.id)) {
      this.show(false);
      this.notify(request);
    }
    return answer;
  }

  dispose(): void {
    this.queue.closeAll('cancelled');
    this.unsubscribe();
    this.panel?.dispose();
  }

  private notify(request: ConsentRequest): void {
    if (this.notifying) return;
    this.notifying = true;
    const names = request.credentials.map((credential) => credential.name).join(', ');
    const review = vscode.l10n.t('Review');
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} asks for {1} — Review', CLIENT_LABELS[request.client.id], names), review).then((choice) => {
      this.notifying = false;
      if (choice === review) this.show(true);
    }, () => {
      this.notifying = false;
    });
  }

  private show(takeFocus: boolean): void {
    if (this.panel !== undefined) {
      this.panel.reveal(undefined, !takeFocus);
      return;
    }
    const root = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel(
      CONSENT_VIEW_TYPE,
      vscode.l10n.t('Airlock: Consent'),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: !takeFocus },
      { enableScripts: true, enableCommandUris: false, enableFindWidget: false, localResourceRoots: [root] },
    );
    this.panel = panel;
    this.panelNonce = token();
    this.ready = false;
    panel.webview.html = consentHtml(panel.webview, root);
    panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(panel, raw));
    panel.onDidChangeViewState(() => {
      // Without retainContextWhenHidden the webview reloads when shown again and says `ready` anew.
      if (!panel.visible) this.ready = false;
    });
    panel.onDidDispose(() => {
      if (this.panel !== panel) return;
      this.panel = undefined;
      this.ready = false;
      const pending = this.queue.pending().length;
      if (pending > 0) this.log.info(`Consent panel closed with ${pending} pending request(s); they are denied.`);
      this.queue.closeAll('panel-closed');
    });
  }

  private receive(panel: vscode.WebviewPanel, raw: unknown): void {
    if (panel !== this.panel) return;
    const parsed = webviewMessage.safeParse(raw);
    if (!parsed.success) {
      this.log.warn('Consent panel: ignored a message that does not match the protocol.');
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') {
      this.ready = true;
      // The card's words in the display language, before the first card (English: no bundle, nothing to send).
      const bundle = vscode.l10n.bundle;
      if (bundle !== undefined) void panel.webview.postMessage({ type: 'l10n', bundle } satisfies HostMessage);
      this.post();
      return;
    }
    if (message.nonce !== this.panelNonce) {
      this.log.warn(`Consent panel: ignored a decision for ${message.requestId} with a stale or forged nonce.`);
      return;
    }
    if (message.type === 'show-changes') {
      const request = this.queue.pending().find((pending) => pending.id === message.requestId);
      if (request !== undefined) this.showChanges?.(request);
      return;
    }
    const result = this.queue.decide(message);
    if (result.accepted) {
      this.log.info(`Consent: the person ${result.answer.decision} request ${message.requestId}.`);
    }
  }

  private post(): void {
    if (this.panel === undefined || !this.ready) return;
    const state: HostMessage = { type: 'state', nonce: this.panelNonce, now: this.clock.now(), cards: this.queue.pending().map((request) => toCard(request, vscodeL10n)) };
    void this.panel.webview.postMessage(state);
  }
}

/** The panel's HTML: no request data in it (cards arrive by postMessage), scripts only with the nonce. */
export function consentHtml(webview: vscode.Webview, root: vscode.Uri): string {
  const nonce = token();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'consent.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, 'consent.css'));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    "img-src 'none'",
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  const language = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(vscode.env.language) ? vscode.env.language : 'en';
  return `<!DOCTYPE html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" nonce="${nonce}" href="${style.toString()}">
<title>${escapeHtml(vscode.l10n.t('Airlock: Consent'))}</title>
</head>
<body>
<main id="app" aria-label="${escapeHtml(vscode.l10n.t('Pending requests'))}"></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

/** For the two translated words in the page itself (a translation is text, never markup). */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The consent panel's webview. Everything it shows arrives by postMessage, is validated against the
// shared protocol, and is rendered with textContent only: the agent's text can never become markup.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import './consent.css';
import { bundleL10n, plainL10n, type L10n } from '../../src/shared/l10n';
import { hostMessage, type Card, type StateMessage, type WebviewMessage } from '../../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface TextField extends HTMLElement {
  value: string;
  disabled: boolean;
  label: string;
  type: string;
  min: number | undefined;
  max: number | undefined;
}
interface Checkable extends HTMLElement {
  checked: boolean;
  value: string;
  name: string;
  disabled: boolean;
}
interface Button extends HTMLElement {
  disabled: boolean;
  secondary: boolean;
}

// Lit falls back to <style> elements where adoptedStyleSheets are unavailable; give them the CSP nonce.
(globalThis as { litNonce?: string }).litNonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') ?? document.body;
/** Approve is disarmed briefly after a card appears, so a click or key meant for something else cannot land on it. */
const ARM_DELAY_MS = 800;

let nonce = '';
/** English until the host's `l10n` message arrives (it comes before the first `state`). */
let l10n: L10n = plainL10n;
let cardCount = 0;
let clockOffset = 0;
const rendered = new Map<string, { element: HTMLElement; card: Card; countdown: HTMLElement }>();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, options: { className?: string; text?: string; attrs?: Record<string, string> } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className !== undefined) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function custom<T extends HTMLElement>(tag: string, attrs: Record<string, string> = {}, text?: string): T {
  const node = document.createElement(tag) as T;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0) return l10n.t('{0} h', seconds / 3600);
  if (seconds >= 3600) return l10n.t('{0} h {1} min', Math.floor(seconds / 3600), Math.round((seconds % 3600) / 60));
  if (seconds % 60 === 0) return l10n.t('{0} min', seconds / 60);
  return l10n.t('{0} s', seconds);
}

function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

function row(term: string, ...definition: Node[]): Node[] {
  return [el('dt', { text: term }), el('dd', {}, ...definition)];
}

interface Preset {
  readonly id: string;
  readonly label: string;
  readonly seconds: number;
  readonly thisRunOnly?: boolean;
}

function presetsFor(card: Card): Preset[] {
  const max = card.limits.maxDurationSeconds;
  const presets: Preset[] = [{ id: 'once', label: l10n.t('This run only'), seconds: Math.min(300, max), thisRunOnly: true }];
  for (const [id, seconds] of [['5m', 300], ['15m', 900], ['1h', 3600]] as const) {
    if (seconds <= max) presets.push({ id, label: formatDuration(seconds), seconds });
  }
  return presets;
}

function renderCard(card: Card): { element: HTMLElement; countdown: HTMLElement } {
  const id = card.requestId;
  const titleId = `card-${++cardCount}`;
  const names = card.credentials.map((c) => c.name).join(', ');
  const countdown = el('span', { className: 'countdown', attrs: { role: 'timer', 'aria-live': 'off' } });
  const header = el('header', {}, el('h2', { text: l10n.t('{0} asks for {1}', card.client.label, names), attrs: { id: titleId } }), countdown);

  const claimed = card.client.claimedName === undefined
    ? el('span', { className: 'muted', text: l10n.t(' (no name claimed)') })
    : el('span', { className: 'muted', text: l10n.t(' — claims to be “{0}”', `${card.client.claimedName}${card.client.claimedVersion === undefined ? '' : ` ${card.client.claimedVersion}`}`) });
  const client = el('span', {}, el('strong', { text: card.client.label }), el('span', { className: 'muted', text: l10n.t(' (token: {0})', card.client.id) }), claimed);

  const credentialList = el('ul', { className: 'credential', attrs: { 'aria-label': l10n.t('Credentials') } });
  for (const credential of card.credentials) {
    const item = el('li', { className: 'credential' }, el('span', { className: 'credential-name', text: credential.name }));
    if (credential.definedByWorkspace) item.append(el('span', { className: 'workspace-badge', text: l10n.t('defined by this workspace') }));
    if (credential.definedOnRemote === true) item.append(el('span', { className: 'workspace-badge', text: l10n.t('defined in the remote machine’s settings') }));
    if (credential.description !== '') item.append(el('span', { text: ` — ${credential.description}` }));
    item.append(el('div', { className: 'muted' }, document.createTextNode(`${credential.store}: `), el('span', { className: 'mono', text: credential.reference })));
    if (credential.delivery !== undefined) item.append(el('div', { className: 'delivery', text: l10n.t('Travels: {0}', credential.delivery), attrs: { 'aria-label': l10n.t('How {0} travels', credential.name) } }));
    credentialList.append(item);
  }

  const details = el('dl', {},
    ...row(l10n.t('Client'), client),
    ...row(l10n.t('Credentials'), credentialList),
    ...row(l10n.t('Command'), el('code', { className: 'mono command', text: card.command, attrs: { 'aria-label': l10n.t('Exact command') } })),
    ...row(l10n.t('Folder'), el('code', { className: 'mono', text: card.cwd, attrs: { 'aria-label': l10n.t('Working directory') } })),
    ...row(l10n.t('Environment'), el('span', { className: 'mono', text: card.credentials.map((c) => c.env).join(', ') })),
    ...row(l10n.t('Reason'), el('div', {}, el('div', { className: 'muted', text: l10n.t('Given by the agent — unverified:') }), el('blockquote', { text: `“${card.reason}”`, attrs: { 'aria-label': l10n.t('Reason given by the agent, unverified') } }))),
    ...row(l10n.t('Policy limits'), el('span', { text: limitsText(card) })),
  );

  const insight = whatRuns(card);

  // Choices.
  const presets = presetsFor(card);
  const group = custom<HTMLElement>('vscode-radio-group', { 'aria-label': l10n.t('Duration'), role: 'radiogroup' });
  const selected = presets.find((p) => !p.thisRunOnly && p.seconds === card.limits.defaultDurationSeconds)?.id ?? 'custom';
  const radios = new Map<string, Checkable>();
  for (const preset of [...presets, { id: 'custom', label: l10n.t('Custom'), seconds: card.limits.defaultDurationSeconds }]) {
    const radio = custom<Checkable>('vscode-radio', { name: `duration-${titleId}`, value: preset.id }, preset.label);
    radio.checked = preset.id === selected;
    radios.set(preset.id, radio);
    group.append(radio);
  }
  const customMinutes = custom<TextField>('vscode-textfield', { type: 'number', min: '1', max: String(Math.max(1, Math.floor(card.limits.maxDurationSeconds / 60))) });
  customMinutes.label = l10n.t('Custom duration in minutes');
  customMinutes.value = String(Math.max(1, Math.round(card.limits.defaultDurationSeconds / 60)));
  const runs = custom<TextField>('vscode-textfield', { type: 'number', min: '1' });
  runs.label = l10n.t('Maximum runs');
  const initialRuns = card.requestedMaxRuns ?? card.limits.maxRuns;
  runs.value = initialRuns === null ? '' : String(Math.min(initialRuns, card.limits.maxRuns ?? initialRuns));
  runs.setAttribute('placeholder', card.limits.maxRuns === null ? l10n.t('unlimited') : l10n.t('at most {0}', card.limits.maxRuns));
  const prefix = card.limits.allowPrefix ? custom<Checkable>('vscode-checkbox', {}, l10n.t('Also allow commands that start with this command')) : undefined;

  const syncControls = (): void => {
    const choice = [...radios].find(([, radio]) => radio.checked)?.[0];
    customMinutes.disabled = choice !== 'custom';
    runs.disabled = choice === 'once';
  };
  group.addEventListener('change', syncControls);

  const status = el('div', { className: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
  const approve = custom<Button>('vscode-button', { 'aria-label': l10n.t('Approve') }, l10n.t('Approve'));
  const deny = custom<Button>('vscode-button', { 'aria-label': l10n.t('Deny'), secondary: '' }, l10n.t('Deny'));
  const block = custom<Button>('vscode-button', { 'aria-label': l10n.t('Deny and block this client for this session'), secondary: '' }, l10n.t('Deny and block this client for this session'));
  let sent = false;
  approve.disabled = true;
  setTimeout(() => void (approve.disabled = sent), ARM_DELAY_MS);

  const send = (decision: 'approve' | 'deny', blockClient: boolean): void => {
    const choice = [...radios].find(([, radio]) => radio.checked)?.[0] ?? 'custom';
    const preset = presets.find((p) => p.id === choice);
    const durationSeconds = preset !== undefined ? preset.seconds : Math.max(1, Math.round(Number(customMinutes.value) * 60) || card.limits.defaultDurationSeconds);
    const runsValue = runs.value.trim() === '' ? null : Math.max(1, Math.floor(Number(runs.value)) || 1);
    vscode.postMessage({
      type: 'decide',
      requestId: id,
      nonce,
      decision,
      durationSeconds: Math.min(durationSeconds, card.limits.maxDurationSeconds),
      maxRuns: preset?.thisRunOnly === true ? 1 : runsValue,
      commandMatch: prefix?.checked === true ? 'prefix' : 'exact',
      blockClient,
    });
    sent = true;
    for (const button of [approve, deny, block]) button.disabled = true;
    status.textContent = decision === 'approve' ? l10n.t('Approving…') : l10n.t('Denying…');
  };
  approve.addEventListener('click', () => { if (!approve.disabled) send('approve', false); });
  deny.addEventListener('click', () => send('deny', false));
  block.addEventListener('click', () => send('deny', true));

  const choices = el('fieldset', {}, el('legend', { text: l10n.t('Your answer') }),
    el('div', { className: 'row' }, el('span', { text: l10n.t('Duration'), attrs: { 'aria-hidden': 'true' } }), group),
    el('div', { className: 'row' }, el('label', { text: l10n.t('Custom (minutes)') }), customMinutes),
    el('div', { className: 'row' }, el('label', { text: l10n.t('Max runs') }), runs),
  );
  if (prefix !== undefined) choices.append(el('div', { className: 'row' }, prefix), el('div', { className: 'muted', text: prefixRuleInWords() }));
  choices.append(el('div', { className: 'actions' }, approve, deny, block), status);
  syncControls();

  const element = el('article', { className: 'card', attrs: { 'aria-labelledby': titleId, 'data-request-id': id } }, header, details, insight, renderSeal(card), choices);
  return { element, countdown };
}

/** Sealed or not (and the fix), the network allowlist and the write paths. */
function renderSeal(card: Card): HTMLElement {
  const section = el('section', { attrs: { 'aria-label': l10n.t('Sandbox') } }, el('h3', { text: l10n.t('Sandbox') }));
  if (card.seal !== undefined) {
    section.append(el('div', { className: card.seal.sealed ? 'sealed' : 'warning', text: card.seal.text, attrs: { role: 'note', 'data-sealed': String(card.seal.sealed) } }));
  }
  if (card.policyNote !== undefined) {
    // An allow rule matched but did not cover these hosts or paths: this is why the person is asked.
    section.append(el('div', { className: 'warning', text: l10n.t('Asked because {0}.', card.policyNote), attrs: { role: 'note', 'aria-label': l10n.t('Why you are asked') } }));
  }
  const hosts = card.network ?? [];
  const writes = card.writes ?? [];
  section.append(
    el('dl', {},
      ...row(l10n.t('Network'), hosts.length === 0
        ? el('span', { className: 'muted', text: l10n.t('no hosts'), attrs: { 'aria-label': l10n.t('Network allowlist') } })
        : el('span', { className: 'mono', text: hosts.join(', '), attrs: { 'aria-label': l10n.t('Network allowlist') } })),
      ...row(l10n.t('Writes'), writes.length === 0
        ? el('span', { className: 'muted', text: l10n.t('none (the workspace is read-only)'), attrs: { 'aria-label': l10n.t('Write paths') } })
        : el('span', { className: 'mono', text: writes.join(', '), attrs: { 'aria-label': l10n.t('Write paths') } })),
    ),
  );
  return section;
}

/** What a prefix grant allows, in words (the rule itself: src/core/grants/commandBinding.ts). */
function prefixRuleInWords(): string {
  return l10n.t('Later commands may add plain arguments after this command, separated by single spaces. Anything that starts with "-" (an option) or holds "=" (an assignment), quotes, wildcards and shell characters are refused.');
}

function limitsText(card: Card): string {
  const parts = [l10n.t('up to {0}', formatDuration(card.limits.maxDurationSeconds))];
  parts.push(card.limits.maxRuns === null ? l10n.t('any number of runs') : card.limits.maxRuns === 1 ? l10n.t('at most 1 run') : l10n.t('at most {0} runs', card.limits.maxRuns));
  parts.push(card.limits.allowPrefix ? l10n.t('exact command, or it plus plain arguments (no options, no "=")') : l10n.t('exact command only'));
  if (card.requestedDurationSeconds !== undefined) parts.push(l10n.t('agent asked for {0}', formatDuration(card.requestedDurationSeconds)));
  return parts.join(' · ');
}

function tick(): void {
  const now = Date.now() + clockOffset;
  for (const { card, countdown } of rendered.values()) {
    const left = card.deadline - now;
    countdown.textContent = left > 0 ? l10n.t('Auto-deny in {0}', formatCountdown(left)) : l10n.t('Timed out: denied');
    countdown.classList.toggle('urgent', left <= 15_000);
    countdown.setAttribute('aria-label', left > 0 ? l10n.t('Denied automatically in {0} seconds', Math.ceil(left / 1000)) : l10n.t('Timed out and denied'));
  }
}

function applyState(state: StateMessage): void {
  nonce = state.nonce;
  clockOffset = state.now - Date.now();
  const wanted = new Set(state.cards.map((card) => card.requestId));
  for (const [id, entry] of rendered) {
    if (!wanted.has(id)) {
      entry.element.remove();
      rendered.delete(id);
    }
  }
  let heading = app.querySelector('h1');
  if (heading === null) {
    heading = el('h1');
    app.prepend(heading);
  }
  heading.textContent = state.cards.length === 0
    ? l10n.t('Airlock: no pending requests')
    : state.cards.length === 1 ? l10n.t('Airlock: 1 pending request') : l10n.t('Airlock: {0} pending requests', state.cards.length);
  for (const card of state.cards) {
    if (rendered.has(card.requestId)) continue;
    const { element, countdown } = renderCard(card);
    rendered.set(card.requestId, { element, card, countdown });
    app.append(element);
  }
  app.querySelector('.empty')?.remove();
  if (state.cards.length === 0) app.append(el('p', { className: 'empty', text: l10n.t('Requests from agents appear here. Nothing is waiting for your answer.') }));
  tick();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = hostMessage.safeParse(event.data);
  if (!parsed.success) return;
  if (parsed.data.type === 'l10n') l10n = bundleL10n(parsed.data.bundle);
  else applyState(parsed.data);
});
setInterval(tick, 1000);
vscode.postMessage({ type: 'ready' });

/** The "what this really runs" section: changes since approval and warnings loudly, then the code. */
function whatRuns(card: Card): HTMLElement {
  const section = el('section', { attrs: { 'aria-label': l10n.t('What this really runs') } }, el('h3', { text: l10n.t('What this really runs') }));
  const info = card.insight;
  const alert = (title: string, lines: readonly string[]): HTMLElement => {
    const list = el('ul', {});
    for (const line of lines) list.append(el('li', { text: line }));
    return el('div', { className: 'alert', attrs: { role: 'alert' } }, el('strong', { text: title }), list);
  };
  if (info === undefined) {
    section.append(alert(l10n.t('Airlock cannot tell what this command runs.'), [l10n.t('Only the command line above is known. Approve only if you know what it does.')]));
    return section;
  }
  if (info.changedSinceApproval !== undefined && info.changedSinceApproval.length > 0) {
    section.append(alert(l10n.t('Changed since you approved this command — the run was refused:'), info.changedSinceApproval));
  }
  if (info.warnings !== undefined && info.warnings.length > 0) section.append(alert(l10n.t('Airlock cannot fully tell what runs:'), info.warnings));
  if (info.code !== undefined) {
    const code = el('div', { className: info.changedFiles !== undefined && info.changedFiles.length > 0 ? 'code-state changed' : 'code-state', text: info.code });
    section.append(code);
    if (info.changedFiles !== undefined && info.changedFiles.length > 0) {
      const list = el('ul', { className: 'mono', attrs: { 'aria-label': l10n.t('Uncommitted changes') } });
      for (const file of info.changedFiles) list.append(el('li', { text: file }));
      const open = custom<Button>('vscode-button', { 'aria-label': l10n.t('Open the uncommitted changes in the diff editor'), secondary: '' }, l10n.t('Open changes in diff editor'));
      open.addEventListener('click', () => vscode.postMessage({ type: 'show-changes', requestId: card.requestId, nonce }));
      section.append(list, open);
    }
  }
  if (info.body !== '' || info.file !== undefined) {
    const source = el('div', { text: info.source });
    if (info.uncommittedChanges && info.file !== undefined) source.append(el('span', { className: 'warning', text: l10n.t('uncommitted changes in this repository'), attrs: { role: 'note' } }));
    section.append(source, el('pre', { text: info.body }));
  }
  for (const extra of info.sections ?? []) section.append(el('div', { text: extra.title }), el('pre', { text: extra.body }));
  return section;
}

import { plainL10n, type L10n, type Say } from '../../shared/l10n';
import { Settings } from '../../shared/ids';
import { fail, ok, type Outcome } from '../outcome';

/**
 * Sealed runs, the pure part: what a sealed run asks for, whether it is well formed, whether it can be
 * sealed on this machine, and the sandbox-engine policy it maps to. No fs, no child_process, no vscode:
 * the Node adapter (src/adapters/node/spawnSealed.ts) probes the machine and drives the engine.
 */

/** `airlock.run.sandbox`. A workspace may only raise it to `required` (the settings layer enforces that). */
export type SandboxMode = 'required' | 'whenAvailable' | 'off';

/** One credential of a sealed run, as its definition says it travels. */
export interface SealedCredential {
  /** Credential name, for messages and `[redacted:NAME]`. */
  readonly name: string;
  /** Environment variable the command reads. */
  readonly env: string;
  /**
   * Hosts the value is for. Present and non-empty: delivered masked — the command sees a placeholder and
   * the engine's proxy swaps in the value only on requests to these hosts, over TLS it terminates.
   * Absent: the value is in the command's environment (inside the sandbox).
   */
  readonly hosts?: readonly string[];
  /** Host-bound only: swap the placeholder in request bodies as well as headers. Default: headers only. */
  readonly bodies?: boolean;
}

export interface SealedRunRequest {
  /** Absolute path of the workspace folder the command runs in. */
  readonly folder: string;
  /** Absolute paths inside `folder` the command may write (default none). */
  readonly writes: readonly string[];
  /** Hosts the request names (beyond its credentials' hosts). */
  readonly network: readonly string[];
  readonly credentials: readonly SealedCredential[];
}

export type SealedRunInvalid = 'invalid-host' | 'write-outside-folder' | 'invalid-path' | 'duplicate-env';

/** How a credential travels, for the consent card and the audit. */
export type Delivery = { readonly kind: 'host-bound'; readonly hosts: readonly string[]; readonly bodies: boolean } | { readonly kind: 'env' };

export const deliveryOf = (credential: SealedCredential): Delivery =>
  credential.hosts !== undefined && credential.hosts.length > 0
    ? { kind: 'host-bound', hosts: credential.hosts, bodies: credential.bodies === true }
    : { kind: 'env' };

/** The card's line for a credential: how it travels, in the person's words. */
export function deliveryText(credential: SealedCredential, l10n: L10n): string {
  const delivery = deliveryOf(credential);
  if (delivery.kind === 'env') return l10n.t('in the command’s environment');
  const where = delivery.hosts.join(', ');
  return delivery.bodies
    ? l10n.t('sent only to {0} (headers and bodies) — the command sees a placeholder', where)
    : l10n.t('sent only to {0} — the command sees a placeholder', where);
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A host a sealed run may name: a DNS name (letters, digits, hyphens; dot-separated labels), or one
 * leading `*.` wildcard over at least two labels. Never an IP literal — the engine refuses them as inject
 * hosts, and an allowlisted literal would bypass its resolved-address guard — nor a port, path or scheme.
 */
export function isDomainName(host: string): boolean {
  if (host.length === 0 || host.length > 253 || host !== host.toLowerCase()) return false;
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  const labels = bare.split('.');
  if (!labels.every((label) => LABEL.test(label))) return false;
  if (host.startsWith('*.') && labels.length < 2) return false;
  // All-numeric last label: an IPv4 literal or something that would be read as one.
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}

/**
 * Whether every host `host` can name is one `patterns` admit, by the engine's matching (`*.x` is any
 * strict subdomain of x): an exact host is covered by itself or by a `*.` pattern over one of its
 * ancestors; a `*.x` pattern only by `*.x` or `*.y` with y an ancestor of x (an exact entry admits one
 * host, never all of a wildcard's). Both sides already pass isDomainName (lowercase).
 */
export function hostCovered(host: string, patterns: readonly string[]): boolean {
  if (!host.startsWith('*.')) return patterns.some((p) => p === host || (p.startsWith('*.') && host.endsWith(p.slice(1))));
  const base = host.slice(2);
  return patterns.some((p) => p.startsWith('*.') && (base === p.slice(2) || base.endsWith(p.slice(1))));
}

// TODO(merge): the core path-inside rule is being consolidated elsewhere; fold this into it.
/** Whether `path` is `folder` or below it. Both absolute, already normalised (no `.`/`..` segments). */
export function isInsideFolder(folder: string, path: string): boolean {
  const f = folder.replace(/[\\/]+$/, '');
  return path === f || path.startsWith(`${f}/`) || path.startsWith(`${f}\\`);
}

const isAbsoluteNormal = (path: string): boolean =>
  /^(\/|[A-Za-z]:[\\/])/.test(path) && !path.split(/[\\/]/).some((segment) => segment === '.' || segment === '..') && !path.includes('\0');

/** Checks a request; every refusal says what to change. */
export function validateSealedRunRequest(request: SealedRunRequest): Outcome<SealedRunRequest, SealedRunInvalid> {
  if (!isAbsoluteNormal(request.folder)) return fail('invalid-path', `The folder must be an absolute path without "." or ".." segments.`);
  for (const host of [...request.network, ...request.credentials.flatMap((c) => c.hosts ?? [])]) {
    if (!isDomainName(host)) {
      return fail('invalid-host', `"${host}" is not a domain name. Name hosts as lowercase domain names (api.example.com, *.example.com): no IP addresses, ports, schemes or paths.`);
    }
  }
  for (const path of request.writes) {
    if (!isAbsoluteNormal(path)) return fail('invalid-path', `Write path "${path}" must be absolute, without "." or ".." segments.`);
    if (!isInsideFolder(request.folder, path)) return fail('write-outside-folder', `Write path "${path}" is outside the workspace folder ${request.folder}.`);
  }
  const seen = new Set<string>();
  for (const credential of request.credentials) {
    if (seen.has(credential.env)) return fail('duplicate-env', `Two credentials use the environment variable ${credential.env}.`);
    seen.add(credential.env);
  }
  return ok(request);
}

/** The hosts a run may reach: its credentials' hosts and the hosts it names, nothing else. */
export function networkAllowlist(request: SealedRunRequest): string[] {
  return [...new Set([...request.credentials.flatMap((c) => c.hosts ?? []), ...request.network])].sort();
}

// ── availability ───────────────────────────────────────────────────────────────────────────────────

export type Platform = 'linux' | 'darwin' | 'win32' | 'other';

/** What the probe found. `missing` names executables; `reason` is the engine's own words otherwise. */
export type SandboxAvailability =
  | { readonly available: true }
  | { readonly available: false; readonly platform: Platform; readonly missing: readonly string[]; readonly reason?: string };

/** The package that provides each executable the engine needs, per platform family. */
const LINUX_PACKAGES: Readonly<Record<string, string>> = { bwrap: 'bubblewrap', socat: 'socat', rg: 'ripgrep' };

/** The one command that fixes a missing sandbox, when there is one. */
export function fixCommand(availability: SandboxAvailability): string | undefined {
  if (availability.available) return undefined;
  if (availability.platform === 'linux' && availability.missing.length > 0) {
    return `sudo apt install ${availability.missing.map((m) => LINUX_PACKAGES[m] ?? m).join(' ')}`;
  }
  if (availability.platform === 'darwin' && availability.missing.includes('rg')) return 'brew install ripgrep';
  return undefined;
}

/**
 * Windows: the engine's sandbox there is alpha and needs an elevated one-time install, so Airlock does not
 * use it (and its helper is not in the Windows VSIX): runs are unsealed, and refused under "required".
 */
/** The engine's reason on Windows (English: the probe's words; `unavailableReason` says it translated). */
export const WINDOWS_UNSEALED = "Airlock does not use the sandbox engine's Windows support yet (it is alpha and needs an elevated one-time install)";

/** Why a run cannot be sealed here, in `l10n`'s language (English for the agent, by default). */
export function unavailableReason(availability: SandboxAvailability, l10n: L10n = plainL10n): string {
  if (availability.available) return '';
  if (availability.missing.length > 0) {
    const missing = availability.missing.join(', ');
    return availability.missing.length === 1 ? l10n.t('the sandbox needs {0}, which is not installed', missing) : l10n.t('the sandbox needs {0}, which are not installed', missing);
  }
  if (availability.platform === 'win32') return l10n.t("Airlock does not use the sandbox engine's Windows support yet (it is alpha and needs an elevated one-time install)");
  if (availability.platform === 'other') return l10n.t('this platform has no supported sandbox');
  // The engine's own words, when it gave any, cannot be translated.
  return availability.reason ?? l10n.t('the sandbox engine cannot run here');
}

export type SealDecision =
  | { readonly kind: 'sealed' }
  | { readonly kind: 'unsealed'; readonly reason: Say; readonly fix?: string }
  | { readonly kind: 'refused'; readonly reason: Say; readonly fix?: string };

/** `airlock.run.sandbox` × what the machine has → how this run goes. */
export function decideSeal(mode: SandboxMode, availability: SandboxAvailability): SealDecision {
  if (mode === 'off') return { kind: 'unsealed', reason: (l10n) => l10n.t('sandboxing is off ({0}: "off")', Settings.runSandbox) };
  if (availability.available) return { kind: 'sealed' };
  const fix = fixCommand(availability);
  const withFix = fix === undefined ? {} : { fix };
  if (mode === 'required') {
    return { kind: 'refused', reason: (l10n) => l10n.t('Runs must be sealed ({0}: "required"), but {1}.', Settings.runSandbox, unavailableReason(availability, l10n)), ...withFix };
  }
  return { kind: 'unsealed', reason: (l10n) => l10n.t('Not sealed: {0}.', unavailableReason(availability, l10n)), ...withFix };
}

/** The card's line for the seal. */
export function sealText(decision: SealDecision, l10n: L10n): string {
  switch (decision.kind) {
    case 'sealed':
      return l10n.t('Sealed: read-only workspace except the write paths, network only to the hosts listed, its own process namespace.');
    case 'unsealed':
    case 'refused':
      return decision.fix === undefined ? decision.reason(l10n) : l10n.t('{0} Fix: {1}', decision.reason(l10n), decision.fix);
  }
}

// ── engine policy ──────────────────────────────────────────────────────────────────────────────────

/**
 * Credential stores a sealed command may not read, relative to the home folder, plus absolute ones.
 * `~/.airlock` and VS Code's user data (globalStorage holds SecretStorage's encrypted blobs and state).
 */
export const DENIED_HOME_READS: readonly string[] = [
  '.ssh',
  '.aws',
  '.azure',
  '.kube',
  '.gnupg',
  '.config/gcloud',
  '.config/gh',
  '.config/op',
  '.docker/config.json',
  '.netrc',
  '.npmrc',
  '.pypirc',
  '.git-credentials',
  '.password-store',
  '.local/share/keyrings',
  'Library/Keychains',
  '.airlock',
  '.config/Code',
  '.config/Code - Insiders',
  '.config/VSCodium',
  '.config/code-server',
  '.local/share/code-server',
  'Library/Application Support/Code',
  'Library/Application Support/Code - Insiders',
  'Library/Application Support/VSCodium',
  'AppData/Roaming/Code',
  'AppData/Roaming/Code - Insiders',
  '.vscode-server',
  '.vscode-server-insiders',
  // The engine makes these two writable in every sandbox unless they are read-denied: a folder shared by
  // every run of every grant (one run leaves a value there, another grant's run reads it and sends it
  // to its own hosts) and outside every write scan. npm's debug logs can also hold registry tokens.
  // npm logs to the run's private folder instead (sealedCommand).
  '.npm/_logs',
  '.claude/debug',
];

/** Resolved-address ranges an allowed name may not resolve to, beyond the engine's default (loopback, link-local, metadata). */
export const DENIED_RESOLVED_ADDRESSES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

/** A literal path entry for the engine (never read as a glob: names may hold `[`, `*`, spaces). */
export interface LiteralPath {
  readonly path: string;
  readonly literal: true;
}
const literal = (path: string): LiteralPath => ({ path, literal: true });

/** Session-wide engine settings: started once, shared by every grant's session. */
export interface EngineSessionPolicy {
  readonly network: {
    readonly allowedDomains: readonly string[];
    readonly deniedDomains: readonly string[];
    readonly deniedResolvedAddresses: readonly string[];
    readonly tlsTerminate: { readonly extraCaCertPaths?: readonly string[] };
  };
  readonly filesystem: { readonly denyRead: readonly LiteralPath[]; readonly allowWrite: readonly LiteralPath[]; readonly denyWrite: readonly LiteralPath[] };
  readonly credentials: { readonly envVars: readonly [] };
}

/**
 * The session policy: nothing allowed by default (each run brings its own allowlist), private ranges
 * refused after resolution, TLS terminated with the engine's per-session CA, and a `credentials` block
 * so the engine wires its substitution seam (the values are registered per grant, never in config).
 */
export function engineSessionPolicy(extraCaCertPaths: readonly string[] = []): EngineSessionPolicy {
  return {
    network: {
      allowedDomains: [],
      deniedDomains: [],
      deniedResolvedAddresses: DENIED_RESOLVED_ADDRESSES,
      tlsTerminate: extraCaCertPaths.length > 0 ? { extraCaCertPaths } : {},
    },
    filesystem: { denyRead: [], allowWrite: [], denyWrite: [] },
    credentials: { envVars: [] },
  };
}

/** The engine's default TMPDIR (writable in every sandbox it makes). */
export const ENGINE_SHARED_TMP = '/tmp/claude';

const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Waits (5 s at most) until the engine's two in-sandbox relays listen, when the run has them (the engine
 * sets HTTP_PROXY then). The engine starts them in the background and waits only 0.3 s itself, so on a
 * busy machine a command's first connection could be refused. The network namespace is the run's own:
 * its TCP sockets in use (/proc/net/sockstat, per namespace) are the relays' until the command starts.
 * POSIX shell, no `!` or `%` (the engine's quoting would keep a backslash before them).
 */
const RELAYS_READY = [
  '_al_i=0',
  'while [ -n "${HTTP_PROXY:-}" ] && [ "$_al_i" -lt 250 ]; do',
  '_al_up=0',
  'for _al_f in /proc/net/sockstat /proc/net/sockstat6; do [ -r "$_al_f" ] || continue; while read -r _al_k _al_s _al_n _al_s; do case "$_al_k" in TCP:|TCP6:) _al_up=$((_al_up + _al_n)); break ;; esac; done < "$_al_f"; done',
  '[ "$_al_up" -lt 2 ] || break',
  'sleep 0.02; _al_i=$((_al_i + 1))',
  'done',
  'unset _al_i _al_up _al_f _al_k _al_s _al_n',
].join('; ').replace(/do; /g, 'do ');

/**
 * The command as the sandbox runs it: the engine sets TMPDIR to its shared folder, so the private one
 * is exported first (temp-file writers land where the run may write and no other run may read), and
 * npm's log folder moves there too (`~/.npm/_logs` is denied: see DENIED_HOME_READS); then it waits for
 * the network relays (RELAYS_READY).
 */
export function sealedCommand(command: string, privateTmp: string): string {
  const tmp = shellQuote(privateTmp);
  const npmLogs = shellQuote(`${privateTmp}/npm-logs`);
  return `TMPDIR=${tmp} TMP=${tmp} TEMP=${tmp} npm_config_logs_dir=${npmLogs}; export TMPDIR TMP TEMP npm_config_logs_dir; ${RELAYS_READY}; ${command}`;
}

/** Per-run filesystem policy (the engine's `customConfig.filesystem`). */
export interface RunFilesystemPolicy {
  readonly denyRead: readonly LiteralPath[];
  readonly allowRead: readonly LiteralPath[];
  readonly allowWrite: readonly LiteralPath[];
  readonly denyWrite: readonly LiteralPath[];
}

export interface RunPolicyInput {
  readonly request: SealedRunRequest;
  readonly home: string;
  /** This run's private temporary folder (readable and writable). */
  readonly privateTmp: string;
  /** The parent of every run's private temporary folder: unreadable, so runs cannot read each other's. */
  readonly privateTmpRoot: string;
  /** The engine CA's private key: must never be readable inside the sandbox. */
  readonly caKeyPath?: string;
  /**
   * The other sandbox folders on this machine when the run starts — other windows' engine CAs
   * (`srt-ca-*`, private keys inside) and private temporary roots (`airlock-sealed-*`): unreadable too.
   */
  readonly otherSandboxFolders?: readonly string[];
  /** The socat wrapper the engine runs inside the sandbox: readable, even where its folder is denied. */
  readonly relayPath?: string;
  /**
   * VS Code's user data folder as this window has it (global storage, state, logs, the audit log):
   * unreadable, wherever it is — `--user-data-dir`, portable mode and Flatpak put it outside the names
   * DENIED_HOME_READS lists. Left readable only when the run's own folder is inside it.
   */
  readonly userDataDir?: string;
}

/**
 * The filesystem side of a run: everything read-only (the engine's default) except the declared write
 * paths and the private temporary folder; credential stores, other runs' temporary folders, the CA key
 * and every other sandbox folder on the machine (other windows' CAs and temporary roots) unreadable. The
 * workspace itself stays readable.
 */
export function runFilesystemPolicy(input: RunPolicyInput): RunFilesystemPolicy {
  const home = input.home.replace(/[\\/]+$/, '');
  return {
    denyRead: [
      ...DENIED_HOME_READS.map((relative) => literal(`${home}/${relative}`)),
      literal(input.privateTmpRoot),
      ...(input.caKeyPath === undefined ? [] : [literal(input.caKeyPath)]),
      ...(input.otherSandboxFolders ?? []).map(literal),
      ...(input.userDataDir === undefined || isInsideFolder(input.userDataDir, input.request.folder) ? [] : [literal(input.userDataDir)]),
    ],
    allowRead: [literal(input.privateTmp), ...(input.relayPath === undefined ? [] : [literal(input.relayPath)])],
    allowWrite: [...input.request.writes.map(literal), literal(input.privateTmp)],
    // The engine's own temp folder is writable in every sandbox and outlives runs: a value one run
    // leaves there another grant's run could read. The private folder replaces it (see sealedCommand).
    denyWrite: [literal(ENGINE_SHARED_TMP)],
  };
}

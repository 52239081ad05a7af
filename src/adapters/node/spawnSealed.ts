import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SandboxRuntimeConfig } from '@anthropic-ai/sandbox-runtime';
import { fail, ok, type Outcome } from '../../core/outcome';
import { isInside } from '../../core/paths';
import { descendInto, ENGINE_MANDATORY_DENY_DEPTH, mandatoryDenyOf, type EntryKind } from '../../core/sandbox/mandatoryDenies';
import {
  deliveryOf,
  engineSessionPolicy,
  networkAllowlist,
  runFilesystemPolicy,
  sealedCommand,
  validateSealedRunRequest,
  WINDOWS_UNSEALED,
  type Platform,
  type SandboxAvailability,
  type SealedCredential,
  type SealedRunInvalid,
  type SealedRunRequest,
} from '../../core/sandbox/sealedRun';
import { revealSecret, type SecretValue } from '../../core/secrets/secretValue';
import { findExecutable } from './onPath';
import { writeSocatRelay } from './socatRelay';

/**
 * Sealed runs on `@anthropic-ai/sandbox-runtime` (bubblewrap + socat on Linux, sandbox-exec on macOS).
 *
 * Shape: the engine is one per process (its manager is a module singleton: one proxy pair, one CA, one
 * sentinel registry), started by the first grant's session and reset when the last one closes — so its
 * proxies start once per grant at most, never per run. Each grant's session registers its host-bound
 * values with the engine's registry; each run brings its own network allowlist (registered under an
 * unguessable per-run id) and filesystem policy.
 *
 * This file is one of the two places a secret's raw value is read for a process (the other is
 * spawnWithSecrets.ts; revealPin.test.ts pins both): {@link openSealedSession} hands host-bound values to
 * the engine's in-memory registry (never to any environment, file or argv), and {@link SealedSession.run}
 * puts env-delivered values into the sandboxed child's environment only.
 */

/** A credential of a grant, with its value. */
export interface SealedSecret extends SealedCredential {
  readonly value: SecretValue;
}

export interface SealedEngineOptions {
  /** ripgrep for the engine's deny-path scan; VS Code ships one (`<appRoot>/node_modules/@vscode/ripgrep/bin/rg`). */
  readonly ripgrep?: { readonly command: string; readonly args?: readonly string[] };
  /** Extra roots the commands should trust through the terminating proxy (test CAs). */
  readonly extraCaCertPaths?: readonly string[];
  /**
   * A folder only this extension writes (its global storage, never the temporary folder): the socat
   * wrapper with large copy buffers goes there (see socatRelay.ts). Without it the engine runs socat as
   * is, 8 KiB per copy.
   */
  readonly relayDir?: string;
  /** VS Code's user data folder: denied to every run (see RunPolicyInput.userDataDir). */
  readonly userDataDir?: string;
}

type Engine = typeof import('@anthropic-ai/sandbox-runtime').SandboxManager;

// ── availability ───────────────────────────────────────────────────────────────────────────────────

const platformOf = (p: NodeJS.Platform): Platform => (p === 'linux' || p === 'darwin' || p === 'win32' ? p : 'other');

/** Whether a sealed run can start here: the binaries the engine needs, then the engine's own check. */
export async function probeSandbox(options: SealedEngineOptions = {}): Promise<SandboxAvailability> {
  const platform = platformOf(process.platform);
  if (platform === 'win32') return { available: false, platform, missing: [], reason: WINDOWS_UNSEALED };
  const rg = options.ripgrep?.command ?? 'rg';
  const needs = platform === 'linux' ? ['bwrap', 'socat', rg] : platform === 'darwin' ? ['sandbox-exec', rg] : [];
  const missing = needs.filter((command) => findExecutable(command) === undefined).map((command) => (command === rg ? 'rg' : command));
  if (missing.length > 0) return { available: false, platform, missing };
  try {
    const engine = await loadEngine();
    if (!engine.isSupportedPlatform()) return { available: false, platform, missing: [] };
    const check = await engine.checkDependenciesAsync(ripgrepConfig(options));
    if (check.errors.length > 0) return { available: false, platform, missing: [], reason: check.errors.join('; ') };
    return { available: true };
  } catch (error) {
    return { available: false, platform, missing: [], reason: `the sandbox engine did not load (${error instanceof Error ? error.message : String(error)})` };
  }
}

const ripgrepConfig = (options: SealedEngineOptions): { command: string; args?: string[] } | undefined =>
  options.ripgrep === undefined ? undefined : { command: options.ripgrep.command, ...(options.ripgrep.args ? { args: [...options.ripgrep.args] } : {}) };

/**
 * Every engine CA folder (`srt-ca-*`: another window's CA private key) and every other Airlock private
 * temporary root (`airlock-sealed-*`) in the temporary folder right now, except this session's own (its
 * root is denied whole and its run folder allowed back; its CA key is denied by path). A folder another
 * window creates after the run started is not covered: SECURITY.md says so.
 */
function otherSandboxFolders(ownRoot: string, ownCa: { readonly keyPath?: string; readonly trustBundlePath?: string } | undefined): string[] {
  // This engine's own: the CA folder (its key is denied by path) and the trust bundle the sandbox reads.
  const own = new Set([ownRoot, ...[ownCa?.keyPath, ownCa?.trustBundlePath].filter((p): p is string => p !== undefined).map((p) => dirname(p))]);
  try {
    return readdirSync(tmpdir())
      .filter((name) => name.startsWith('srt-ca-') || /^airlock-sealed-\d+$/.test(name))
      .map((name) => join(tmpdir(), name))
      .filter((path) => !own.has(path));
  } catch {
    return [];
  }
}

// The engine is ESM and ~0.5 MB of code: loaded on the first sealed run, never at activation.
let enginePromise: Promise<Engine> | undefined;
const loadEngine = (): Promise<Engine> => (enginePromise ??= import('@anthropic-ai/sandbox-runtime').then((m) => m.SandboxManager));

// ── the shared engine session ──────────────────────────────────────────────────────────────────────

let users = 0;
let started: Promise<Engine> | undefined;
/** The socat wrapper the running engine was given, which every run must be able to read. */
let relayPath: string | undefined;
let stopping: Promise<void> = Promise.resolve();
/** Sentinels whose credentials asked for body substitution; every other placeholder is swapped in headers only. */
const bodySentinels = new Set<string>();

async function acquireEngine(options: SealedEngineOptions): Promise<Engine> {
  users++;
  if (started === undefined) {
    started = (async () => {
      await stopping;
      const engine = await loadEngine();
      const policy = engineSessionPolicy(options.extraCaCertPaths);
      relayPath = process.platform === 'linux' && options.relayDir !== undefined ? writeSocatRelay(options.relayDir) : undefined;
      const config: SandboxRuntimeConfig = {
        network: {
          allowedDomains: [...policy.network.allowedDomains],
          deniedDomains: [...policy.network.deniedDomains],
          deniedResolvedAddresses: [...policy.network.deniedResolvedAddresses],
          tlsTerminate: policy.network.tlsTerminate.extraCaCertPaths ? { extraCaCertPaths: [...policy.network.tlsTerminate.extraCaCertPaths] } : {},
        },
        filesystem: { denyRead: [], allowWrite: [], denyWrite: [] },
        credentials: { envVars: [] },
        // The engine's own per-run walk for dangerous names is of this process's working directory, not
        // the workspace: lowered to its minimum, and done where writes can land (mandatoryWriteDenies).
        mandatoryDenySearchDepth: ENGINE_MANDATORY_DENY_DEPTH,
        ...(options.ripgrep ? { ripgrep: ripgrepConfig(options) } : {}),
        ...(relayPath !== undefined ? { socatPath: relayPath } : {}),
      } as SandboxRuntimeConfig;
      await engine.initialize(config);
      // The engine swaps every registered placeholder in request bodies too. Airlock's rule is headers
      // only unless the credential's definition asks for bodies (a body is far likelier than a header to
      // be stored and shown back), so body pairs are filtered here, in the registry the proxy asks.
      const registry = engine.getSentinelRegistry();
      const all = registry.sentinelsForHost.bind(registry);
      registry.sentinelsForHost = (host, matches) => all(host, matches).filter((pair) => bodySentinels.has(pair.sentinel.toString()));
      return engine;
    })();
  }
  try {
    return await started;
  } catch (error) {
    users--;
    started = undefined;
    throw error;
  }
}

function releaseEngine(engine: Engine): Promise<void> {
  users--;
  if (users > 0) return Promise.resolve();
  started = undefined;
  bodySentinels.clear();
  stopping = engine.reset();
  return stopping;
}

// ── built-in write protection inside the write paths ────────────────────────────────────────────────

/**
 * Shell/tool settings, editor folders and git hooks/config inside the run's write paths (see
 * core/sandbox/mandatoryDenies.ts), read from the disk now, for this run: a file a previous run or the
 * agent made is seen. Also walks the host's working directory when a write path holds it, where the
 * engine's (lowered) walk used to reach. Async and spawn-free: a few readdirs for a small write path.
 */
export async function mandatoryWriteDenies(writes: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const roots = [...writes, ...(writes.some((w) => isInside(w, cwd)) ? [cwd] : [])];
  const denies = new Set<string>();
  const visit = async (root: string, segments: readonly string[]): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(join(root, ...segments), { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Gone or not a directory: nothing to protect. Anything else: what is in it is unknown.
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && segments.length > 0) for (const deny of mandatoryDenyOf(segments, 'unreadable-directory')) denies.add(join(root, ...deny));
      return;
    }
    const below: Promise<void>[] = [];
    for (const entry of entries) {
      const at = [...segments, entry.name];
      const kind: EntryKind = entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : 'other';
      for (const deny of mandatoryDenyOf(at, kind)) denies.add(join(root, ...deny));
      if (kind === 'directory' && descendInto(at)) below.push(visit(root, at));
    }
    await Promise.all(below);
  };
  await Promise.all(roots.map((root) => visit(root, [])));
  return [...denies].sort();
}

// ── a grant's session ──────────────────────────────────────────────────────────────────────────────

export interface SealedSpawnRequest extends Omit<SealedRunRequest, 'credentials'> {
  readonly command: string;
  /** The shell that runs `command` with `-c` inside the sandbox. */
  readonly shell: string;
  /** Env names of this grant's credentials the run uses (default: all of them). */
  readonly credentials?: readonly string[];
  /**
   * This run's values, read at the moment of use (default: the ones the session was opened with, which
   * a caller that disposes values after each run must not rely on). Host-bound values always come from
   * the session: the engine holds them for the grant.
   */
  readonly secrets?: readonly SealedSecret[];
  /** Where the command starts, inside `folder` (default: `folder`). */
  readonly cwd?: string;
}

export interface SealedChild {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves when the sandbox is gone (the command and every descendant: its own PID namespace). */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** The declared write paths, for the after-run scan. */
  readonly writes: readonly string[];
  readonly startedAt: number;
}

export interface SealedSession {
  run(request: SealedSpawnRequest): Promise<Outcome<SealedChild, SealedRunInvalid | 'unknown-credential' | 'session-closed'>>;
  /** Drops the host-bound values from the engine and stops it when no other session uses it. */
  close(): Promise<void>;
}

const KEY_PREFIX = 'airlock:';

/** Opens a grant's session: starts the engine if needed and registers the host-bound values. */
export async function openSealedSession(secrets: readonly SealedSecret[], options: SealedEngineOptions = {}): Promise<SealedSession> {
  const engine = await acquireEngine(options);
  const registry = engine.getSentinelRegistry();
  const sessionId = randomBytes(8).toString('hex');
  const placeholders = new Map<string, { key: string; sentinel: string }>();
  for (const secret of secrets) {
    const delivery = deliveryOf(secret);
    if (delivery.kind !== 'host-bound') continue;
    // The raw value goes to the engine's in-memory map and nowhere else; the command gets the sentinel.
    const key = `${KEY_PREFIX}${sessionId}:${secret.env}`;
    const sentinel = registry.register(key, revealSecret(secret.value, 'sandbox-inject'), [...delivery.hosts]);
    if (delivery.bodies) bodySentinels.add(sentinel);
    placeholders.set(secret.env, { key, sentinel });
  }
  const tmpRoot = join(tmpdir(), `airlock-sealed-${process.pid}`);
  mkdirSync(tmpRoot, { recursive: true, mode: 0o700 });
  let open = true;

  return {
    async run(request) {
      if (!open) return fail('session-closed', 'This grant has ended; request access again.');
      const pool = request.secrets ?? secrets;
      const chosen = request.credentials ?? pool.map((s) => s.env);
      const used: SealedSecret[] = [];
      for (const env of chosen) {
        const secret = pool.find((s) => s.env === env);
        if (secret === undefined) return fail('unknown-credential', `${env} is not a credential of this grant.`);
        used.push(secret);
      }
      const checked = validateSealedRunRequest({ folder: request.folder, writes: request.writes, network: request.network, credentials: used });
      if (!checked.ok) return checked;
      const privateTmp = mkdtempSync(join(tmpRoot, 'run-'));
      const caKeyPath = engine.getMitmCA()?.keyPath;
      const fs = runFilesystemPolicy({
        request: checked.value,
        home: homedir(),
        privateTmp,
        privateTmpRoot: tmpRoot,
        ...(caKeyPath ? { caKeyPath } : {}),
        otherSandboxFolders: otherSandboxFolders(tmpRoot, engine.getMitmCA() ?? undefined),
        ...(relayPath !== undefined ? { relayPath } : {}),
        ...(options.userDataDir !== undefined ? { userDataDir: options.userDataDir } : {}),
      });
      const builtIn = await mandatoryWriteDenies(checked.value.writes);
      // 128 random bits: the proxy learns which run a connection belongs to from this id alone.
      const commandId = randomBytes(16).toString('base64url');
      const cleanup = (): void => {
        engine.unregisterCommandNetworkLists(commandId);
        rmSync(privateTmp, { recursive: true, force: true });
      };
      let wrapped: string;
      try {
        wrapped = await engine.wrapWithSandbox(
          sealedCommand(request.command, privateTmp),
          request.shell,
          {
            filesystem: {
              denyRead: [...fs.denyRead],
              allowRead: [...fs.allowRead],
              allowWrite: [...fs.allowWrite],
              denyWrite: [...fs.denyWrite, ...builtIn.map((path) => ({ path, literal: true as const }))],
            },
          },
          undefined,
          { commandId, commandText: request.command },
        );
        engine.registerCommandNetworkLists(commandId, { allowedDomains: networkAllowlist(checked.value) });
      } catch (error) {
        cleanup();
        throw error;
      }
      const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '1' };
      delete env['ELECTRON_RUN_AS_NODE'];
      for (const secret of used) {
        const placeholder = placeholders.get(secret.env);
        env[secret.env] = placeholder !== undefined ? placeholder.sentinel : revealSecret(secret.value, 'spawn');
      }
      const startedAt = Date.now();
      const child = spawn('/bin/sh', ['-c', wrapped], { cwd: request.cwd ?? request.folder, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        child.once('error', () => {
          cleanup();
          resolve({ code: null, signal: null });
        });
        child.once('close', (code, signal) => {
          cleanup();
          engine.cleanupAfterCommand();
          resolve({ code, signal });
        });
      });
      return ok({ child, exited, writes: checked.value.writes, startedAt });
    },
    async close() {
      if (!open) return;
      open = false;
      // The registry has no delete: re-registering under the same key drops the value and every host.
      for (const { key, sentinel } of placeholders.values()) {
        registry.register(key, '', []);
        bodySentinels.delete(sentinel);
      }
      placeholders.clear();
      await releaseEngine(engine);
    },
  };
}

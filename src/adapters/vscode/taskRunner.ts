import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import type { Log } from '../../core/log';
import { OutputBuffer } from '../../core/runner/outputBuffer';
import { describeReap, type ReapReport } from '../../core/runner/reaper';
import type { RunResult, Runner, RunSpec, SealedRunSpec, StreamScrubber } from '../../core/runner/runSpec';
import { TerminalInput, toTerminalNewlines } from '../../core/runner/terminalInput';
import { RunReaper, type WatchedRun } from '../node/runReaper';
import { killGroup, spawnWithSecrets } from '../node/spawnWithSecrets';
import { scanWrites } from '../node/sealedWriteScan';
import type { SealedSessions } from '../node/sealedSessions';
import type { SealedSecret } from '../node/spawnSealed';
import { networkAllowlist } from '../../core/sandbox/sealedRun';
import { writeScanMessage, type WriteScanResult } from '../../core/sandbox/writeScan';
import type { L10n } from '../../shared/l10n';
import { vscodeL10n } from './l10n';

/** The task type Airlock's runs use (contributed in package.json `taskDefinitions`). */
export const AIRLOCK_TASK_TYPE = 'airlock';

/** After SIGTERM (timeout, expiry, terminal closed), how long before SIGKILL. */
const KILL_GRACE_MS = 3_000;
/** After the shell exits, how long its inherited stdout/stderr may stay open (a daemonised grandchild). */
const STREAM_GRACE_MS = 2_000;
/** How long VS Code may take to open the task's terminal. */
const OPEN_TIMEOUT_MS = 30_000;

/** Receives exactly what each run's pseudoterminal wrote (tests only). */
export type TerminalTap = (runId: string, text: string) => void;

const allowedHosts = (sealed: SealedRunSpec): string[] =>
  networkAllowlist({ folder: sealed.folder, writes: sealed.writes, network: sealed.network, credentials: sealed.credentials });

/** The person's default shell: VS Code's terminal shell, $SHELL, else /bin/sh. */
export function defaultShell(): string {
  const shell = vscode.env.shell;
  if (shell !== '' && !/(?:^|[\\/])(?:cmd|powershell|pwsh)(?:\.exe)?$/i.test(shell)) return shell;
  return process.env['SHELL'] || '/bin/sh';
}

/**
 * Runs each command as a VS Code Task with a CustomExecution: the pseudoterminal spawns the child itself
 * (spawnWithSecrets), so the secrets live in that child's environment only — never an
 * environmentVariableCollection, ShellExecution env, setting or state entry. stdout/stderr pass through
 * the run's redactor before reaching the terminal or the agent's bounded buffer.
 */
export class TaskRunner implements Runner, vscode.Disposable {
  private readonly children = new Set<ChildProcessWithoutNullStreams>();
  private readonly watched = new Set<WatchedRun>();

  constructor(
    private readonly log: Log,
    private readonly shell: () => string = defaultShell,
    private readonly tap?: TerminalTap,
    private readonly reaper: RunReaper = new RunReaper(),
    /** Engine sessions per grant; without them a sealed spec cannot run (the access flow refuses first). */
    private readonly sealed?: SealedSessions,
  ) {}

  /**
   * Starts a sealed run in its grant's engine session. `done` waits for the sandbox to be gone (every
   * descendant: its own PID namespace) and the output streams, scans the write paths with the run's
   * redactor (over all the grant's credentials: a server can echo a host-bound value back), and lets go
   * of the session.
   */
  private async startSealed(
    spec: RunSpec,
    sealed: SealedRunSpec,
    shell: string,
  ): Promise<{ child: ChildProcessWithoutNullStreams; done: (streams: Promise<unknown>) => Promise<WriteScanResult> }> {
    if (this.sealed === undefined) throw new Error('Sealed runs are not set up in this window.');
    const secrets: SealedSecret[] = spec.secrets.map((secret) => {
      const how = sealed.credentials.find((c) => c.env === secret.env);
      return { name: secret.credential, env: secret.env, value: secret.value, ...(how?.hosts === undefined ? {} : { hosts: how.hosts, ...(how.bodies === undefined ? {} : { bodies: how.bodies }) }) };
    });
    const lease = await this.sealed.acquire(spec.grantId, secrets);
    let run;
    try {
      run = await lease.session.run({ folder: sealed.folder, cwd: spec.cwd, writes: sealed.writes, network: sealed.network, command: spec.command, shell, secrets });
    } catch (error) {
      await lease.release();
      throw error;
    }
    if (!run.ok) {
      await lease.release();
      throw new Error(run.message);
    }
    const { child, exited, writes, startedAt } = run.value;
    return {
      child,
      done: async (streams) => {
        try {
          await Promise.all([exited, streams]);
          return await scanWrites(writes, startedAt, spec.redactor);
        } finally {
          await lease.release();
        }
      },
    };
  }

  /** Process ids of the children running now (tests check killOnExpiry with these). */
  get pids(): number[] {
    return [...this.children].map((c) => c.pid).filter((pid): pid is number => pid !== undefined);
  }

  run(spec: RunSpec, stop: AbortSignal): Promise<RunResult> {
    return new Promise<RunResult>((resolve, reject) => {
      const writer = new vscode.EventEmitter<string>();
      const closer = new vscode.EventEmitter<number | void>();
      const buffer = new OutputBuffer(spec.outputLimitBytes);
      const disposables: vscode.Disposable[] = [writer, closer];
      let child: ChildProcessWithoutNullStreams | undefined;
      let startedAt = 0;
      let exited = false;
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;
      const input = new TerminalInput();
      const timers: { open?: NodeJS.Timeout } = {};

      const write = (text: string): void => {
        if (text === '') return;
        writer.fire(toTerminalNewlines(text));
        this.tap?.(spec.runId, toTerminalNewlines(text));
      };
      const emit = (clean: string): void => {
        buffer.append(clean);
        write(clean);
      };
      const finish = (outcome: { result: RunResult } | { error: Error }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timers.open);
        clearTimeout(killTimer);
        stop.removeEventListener('abort', onStop);
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.result);
        // Keep the emitters until the terminal is gone; VS Code disposes the pty's listeners itself.
        setTimeout(() => disposables.forEach((d) => d.dispose()), 60_000).unref?.();
      };
      const terminate = (signal: NodeJS.Signals): void => {
        if (child === undefined || exited) return;
        killGroup(child, signal);
        if (signal !== 'SIGKILL' && killTimer === undefined) {
          killTimer = setTimeout(() => {
            if (child !== undefined && !exited) killGroup(child, 'SIGKILL');
          }, KILL_GRACE_MS);
          killTimer.unref?.();
        }
      };
      const onStop = (): void => {
        const why = String(stop.reason ?? 'stopped');
        // Banners go to the terminal only (not into the output the agent gets): the person's language.
        write(`\r\n\x1b[33m[Airlock] ${vscode.l10n.t('stopping the command ({0})', why)}\x1b[0m\r\n`);
        if (child === undefined) {
          // Stopped before the terminal opened: nothing was spawned.
          finish({ result: { exitCode: null, signal: null, output: '', truncated: false, durationMs: 0 } });
          closer.fire(1);
        } else terminate('SIGTERM');
      };
      stop.addEventListener('abort', onStop, { once: true });

      const pump = (stream: NodeJS.ReadableStream, scrubber: StreamScrubber): Promise<void> =>
        new Promise((done) => {
          const decoder = new StringDecoder('utf8');
          stream.on('data', (chunk: Buffer) => emit(scrubber.push(decoder.write(chunk))));
          stream.on('error', () => undefined);
          stream.on('close', () => {
            emit(scrubber.push(decoder.end()) + scrubber.flush());
            done();
          });
        });

      const start = (): void => {
        if (stop.aborted || settled) return;
        startedAt = performance.now();
        const shell = this.shell();
        const none = vscode.l10n.t('none');
        const how = spec.sealed === undefined
          ? vscode.l10n.t('not sealed')
          : vscode.l10n.t('sealed; network: {0}; writes: {1}', allowedHosts(spec.sealed).join(', ') || none, spec.sealed.writes.join(', ') || none);
        const banner = vscode.l10n.t('{0}  (in {1}, with {2}; values are hidden; {3})', spec.redactor.scrub(spec.command), spec.cwd, spec.secrets.map((s) => s.credential).join(', '), how);
        write(`\x1b[2m[Airlock] ${banner}\x1b[0m\r\n`);
        const marker = this.reaper.newMarker();
        const failed = (error: unknown): void => {
          const why = spec.sealed === undefined ? vscode.l10n.t('could not start {0}', shell) : vscode.l10n.t('could not start {0} in the sandbox', shell);
          write(`\x1b[31m[Airlock] ${why}\x1b[0m\r\n`);
          closer.fire(1);
          finish({ error: error instanceof Error ? error : new Error(String(error)) });
        };
        if (spec.sealed !== undefined) {
          void this.startSealed(spec, spec.sealed, shell).then((launched) => {
            if (stop.aborted || settled) {
              // Stopped while the sandbox was starting: end it at once.
              killGroup(launched.child, 'SIGKILL');
              void launched.done(Promise.resolve()).catch(() => undefined);
              return;
            }
            // The reaper watches a sealed run too: the sandbox (bubblewrap) leaves the child's process group
            // and outlives a stopped child (measured: SIGINT and SIGTERM to the group left it running with
            // the command inside). Tracked as the child's descendant, it is killed — and its PID namespace
            // with everything in it — when the child exits, whatever ended it.
            running(launched.child, marker, launched.done);
          }, failed);
          return;
        }
        try {
          running(spawnWithSecrets({ command: spec.command, cwd: spec.cwd, shell, secrets: spec.secrets, marker }), marker);
        } catch (error) {
          failed(error);
        }
      };

      /** The child is running: stream, reap (unsealed) or scan (sealed), report. */
      const running = (started: ChildProcessWithoutNullStreams, marker: string | undefined, sealedDone?: (streams: Promise<unknown>) => Promise<WriteScanResult>): void => {
        child = started;
        const running = started;
        this.children.add(running);
        // Nothing outlives the run: what left the process group (setsid, double fork; a sealed run's
        // sandbox) is found and killed when the child exits — normal end, cancel, timeout, grant end — or
        // on shutdown.
        const watch = running.pid === undefined || marker === undefined ? undefined : this.reaper.watch(spec.runId, running.pid, marker, (text) => spec.redactor.scrub(text) !== text);
        if (watch !== undefined) this.watched.add(watch);
        let reaped: Promise<ReapReport | undefined> = Promise.resolve(undefined);
        let exitCode: number | null = null;
        let exitSignal: string | null = null;
        running.on('error', (error) => {
          this.log.error(`Airlock run ${spec.runId}: ${spec.redactor.scrub(error.message)}`);
          if (running.pid === undefined) {
            this.children.delete(running);
            closer.fire(1);
            finish({ error });
          }
        });
        running.stdin.on('error', () => undefined);
        const streams = Promise.all([pump(running.stdout, spec.redactor.stream()), pump(running.stderr, spec.redactor.stream())]);
        running.on('exit', (code, signal) => {
          exited = true;
          exitCode = code;
          exitSignal = signal;
          this.children.delete(running);
          if (watch !== undefined) {
            reaped = watch.reap().then(
              (report) => {
                this.watched.delete(watch);
                if (report !== undefined && report.killed > 0) {
                  this.log.info(`Airlock run ${spec.runId}: stopped ${describeReap(report)} the command left behind.`);
                  write(`\x1b[33m[Airlock] ${vscode.l10n.t('stopped {0} the command left behind', describeReap(report, vscodeL10n))}\x1b[0m\r\n`);
                }
                return report;
              },
              (error: unknown) => {
                this.watched.delete(watch);
                this.log.error(`Airlock run ${spec.runId}: ending its leftover processes failed: ${spec.redactor.scrub(error instanceof Error ? error.message : String(error))}`);
                return undefined;
              },
            );
          }
          // A grandchild that kept the pipes open must not hold the run forever.
          setTimeout(() => {
            running.stdout.destroy();
            running.stderr.destroy();
          }, STREAM_GRACE_MS).unref?.();
        });
        const scanned = sealedDone?.(streams);
        void streams.then(() => {
          const waitExit = exited ? Promise.resolve() : new Promise<void>((r) => running.once('exit', () => r()));
          void waitExit.then(async () => {
            const report = await reaped;
            let writeScan: WriteScanResult | undefined;
            try {
              writeScan = await scanned;
            } catch (error) {
              // A scan that could not run is a dirty scan: the output is withheld.
              this.log.error(`Airlock run ${spec.runId}: the write scan failed: ${spec.redactor.scrub(error instanceof Error ? error.message : String(error))}`);
              writeScan = { clean: false, files: 0, findings: (spec.sealed?.writes ?? []).map((path) => ({ kind: 'unscanned' as const, path, reason: (l10n: L10n) => l10n.t('the scan failed') })) };
            }
            const durationMs = Math.round(performance.now() - startedAt);
            const how = exitSignal !== null
              ? vscode.l10n.t('ended by {0} after {1} ms', exitSignal, durationMs)
              : vscode.l10n.t('exited with code {0} after {1} ms', exitCode ?? '?', durationMs);
            write(`\r\n\x1b[2m[Airlock] ${how}\x1b[0m\r\n`);
            if (writeScan !== undefined && !writeScan.clean) write(`\x1b[31m[Airlock] ${spec.redactor.scrub(writeScanMessage(writeScan, vscodeL10n)).replace(/\n/g, '\r\n')}\x1b[0m\r\n`);
            finish({
              result: {
                exitCode,
                signal: exitSignal,
                output: buffer.text(),
                truncated: buffer.truncated,
                durationMs,
                ...(report === undefined ? {} : { reaped: report.killed }),
                ...(writeScan === undefined ? {} : { writeScan }),
              },
            });
            closer.fire(exitCode ?? 1);
          });
        });
      };

      const pty: vscode.Pseudoterminal = {
        onDidWrite: writer.event,
        onDidClose: closer.event,
        open: () => start(),
        // The person closed the terminal (or the task was terminated): stop the whole group.
        close: () => terminate('SIGTERM'),
        handleInput: (data) => {
          if (child === undefined || exited) return;
          const running = child;
          for (const action of input.feed(data)) {
            if (action.kind === 'echo') {
              writer.fire(action.text);
              this.tap?.(spec.runId, action.text);
            }
            else if (action.kind === 'stdin') running.stdin.write(action.text);
            // bubblewrap does not pass SIGINT into the sandbox (measured: the command never sees it), so in
            // a sealed run Ctrl+C stops the sandbox itself; its PID namespace takes everything inside along.
            else if (action.kind === 'interrupt') killGroup(running, spec.sealed === undefined ? 'SIGINT' : 'SIGTERM');
            else running.stdin.end();
          }
        },
      };

      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(spec.cwd));
      const task = new vscode.Task(
        { type: AIRLOCK_TASK_TYPE, runId: spec.runId },
        folder ?? vscode.TaskScope.Workspace,
        spec.title,
        'Airlock',
        new vscode.CustomExecution(() => Promise.resolve(pty)),
      );
      task.presentationOptions = {
        reveal: vscode.TaskRevealKind.Always,
        focus: false,
        panel: vscode.TaskPanelKind.Dedicated,
        echo: false,
        showReuseMessage: false,
        clear: false,
      };
      if (stop.aborted) {
        finish({ result: { exitCode: null, signal: null, output: '', truncated: false, durationMs: 0 } });
        return;
      }
      timers.open = setTimeout(() => {
        if (child === undefined && !settled) finish({ error: new Error('VS Code did not open the task terminal in time.') });
      }, OPEN_TIMEOUT_MS);
      timers.open.unref?.();
      vscode.tasks.executeTask(task).then(undefined, (error: unknown) => finish({ error: error instanceof Error ? error : new Error(String(error)) }));
    });
  }

  /** Extension shutdown: kill every child's process group at once, then every process of each run that left it. */
  dispose(): void {
    for (const child of this.children) killGroup(child, 'SIGKILL');
    this.children.clear();
    for (const watch of this.watched) watch.reapNow();
    this.watched.clear();
  }
}

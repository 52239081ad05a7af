// 200 pending requests from 20 MCP sessions: real SDK clients (another process, bench/pendingAgents.ts)
// over Streamable HTTP to Airlock's endpoint,
// request_access through the real AccessService into the real ConsentQueue (what the panel shows). While
// all 200 wait, RSS growth is measured against the same process before the sessions opened; then the
// "person" answers every card in queue order and each agent call must get its own answer, in order.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { startMcpHttpServer } from '../src/adapters/node/mcpHttpServer';
import { AccessService } from '../src/core/access/accessService';
import { systemClock } from '../src/core/clock';
import { ConsentQueue } from '../src/core/consent/consentQueue';
import { LeaseManager } from '../src/core/grants/leaseManager';
import { silentLog } from '../src/core/log';
import { generateClientToken, TokenRegistry } from '../src/core/mcp/tokens';
import { requestAccessTool } from '../src/core/mcp/tools/requestAccess';
import { evaluate } from '../src/core/policy/evaluate';
import { parsePolicy } from '../src/core/policy/parse';
import { createRedactor } from '../src/core/redaction/redactor';
import { MiB, type Figure } from './lib';
import { commandFor, reasonFor, type FromAgents, type ToAgents } from './pendingAgents';

const SESSIONS = Number(process.env["BENCH_SESSIONS"] ?? 20);
const PER_SESSION = Number(process.env["BENCH_PER_SESSION"] ?? 10);
const debug = (m: string): void => void (process.env['BENCH_DEBUG'] && process.stderr.write(`[pending] ${m}\n`));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measurePending(): Promise<Figure> {
  const folder = process.cwd();
  const policy = parsePolicy({
    trusted: true,
    user: { 'airlock.credentials': [{ name: 'DEPLOY_TOKEN', source: 'secret:DEPLOY_TOKEN' }], 'airlock.consent.timeoutSeconds': 3600, 'airlock.consent.agentWaitSeconds': 600 },
    workspace: {},
    folders: [],
  }).policy;
  const queue = new ConsentQueue(systemClock, silentLog);
  const leases = new LeaseManager(systemClock);
  const service = new AccessService({
    clock: systemClock,
    leases,
    audit: { append: () => Promise.resolve() },
    consent: queue,
    log: silentLog,
    credentials: () => policy.credentials,
    decide: (request) => evaluate(request, policy),
    limits: () => policy.limits,
    stores: { resolveAll: () => Promise.resolve(new Map()) },
    workspace: { trusted: () => true, folders: () => [folder], realpath: (cwd) => Promise.resolve(cwd.startsWith('/') ? cwd : `${folder}/${cwd}`) },
    redaction: { create: (s) => createRedactor(s) },
    live: { add: () => ({ dispose() {} }) },
    runner: { run: () => Promise.reject(new Error('not used')) },
  });
  const tokens = new TokenRegistry();
  const token = generateClientToken();
  tokens.set('codex', token);
  const endpoint = await startMcpHttpServer({
    tools: () => [requestAccessTool({ requestAccess: (c, i, p, s) => service.requestAccess(c, i, p, s) })],
    tokens,
    isTrusted: () => true,
    scrub: (t) => t,
    log: silentLog,
    clock: systemClock,
    serverInfo: { name: 'airlock-bench', version: '0' },
  });
  try {
    global.gc?.();
    await sleep(200);
    const before = process.memoryUsage().rss;
    // The agents run in their own process: this process's RSS is then Airlock's alone.
    const agents = fork(join(__dirname, 'pendingAgents.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_URL: endpoint.url, BENCH_TOKEN: token, BENCH_SESSIONS: String(SESSIONS), BENCH_PER_SESSION: String(PER_SESSION) },
    });
    const total = SESSIONS * PER_SESSION;
    const failures: string[] = [];
    let outcomes: readonly ('approved' | 'denied' | undefined)[] | undefined;
    let exited = false;
    // The IPC channel closes after the last message from the agents arrived: nothing more can come.
    let disconnected = false;
    const agentsExited = new Promise<void>((resolve) => agents.on('exit', () => resolve()));
    // Every wait below is woken by the event it waits for (a queue change, a message, the agents' exit),
    // never by a poll; the deadlines only stop a hung run.
    const wake = new Set<() => void>();
    const notify = (): void => {
      for (const w of [...wake]) w();
    };
    const until = async (done: () => boolean, hangGuardMs: number): Promise<void> => {
      const deadline = Date.now() + hangGuardMs;
      while (!done() && !disconnected && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(finish, deadline - Date.now());
          function finish(): void {
            clearTimeout(timer);
            wake.delete(finish);
            resolve();
          }
          wake.add(finish);
        });
      }
    };
    void agentsExited.then(() => {
      exited = true;
      notify();
    });
    agents.on('disconnect', () => {
      disconnected = true;
      notify();
    });
    // A message to the agents only while they can receive it: after their exit (or our kill) the IPC
    // channel is closed and a send would throw ERR_IPC_CHANNEL_CLOSED into whatever runs next.
    const tell = (message: ToAgents): void => {
      if (!exited && agents.connected) agents.send(message, (error) => error && debug(`send: ${error.message}`));
    };
    agents.on('error', (error) => failures.push(`agents process: ${error.message}`));
    // "Queued" goes to the agents once both happened, in either order: the agent said it sent the
    // request, and the request was seen in the queue (it may be decided and gone by the time we look).
    const announced = new Set<string>();
    const seenQueued = new Set<string>();
    const told = new Set<string>();
    const tellIfBoth = (reason: string, session: number, index: number): void => {
      if (announced.has(reason) && seenQueued.has(reason) && !told.has(reason)) {
        told.add(reason);
        tell({ type: 'queued', session, index });
      }
    };
    const where = new Map<string, { session: number; index: number }>();
    const unsubscribe = queue.onDidChange(() => {
      for (const p of queue.pending()) {
        if (seenQueued.has(p.reason)) continue;
        seenQueued.add(p.reason);
        const at = where.get(p.reason);
        if (at !== undefined) tellIfBoth(p.reason, at.session, at.index);
      }
      notify();
    });
    agents.on('message', (message: FromAgents) => {
      if (message.type === 'failed') failures.push(message.error);
      else if (message.type === 'results') outcomes = message.outcomes;
      else {
        const reason = reasonFor(message.session, message.index);
        where.set(reason, { session: message.session, index: message.index });
        announced.add(reason);
        tellIfBoth(reason, message.session, message.index);
      }
      notify();
    });
    try {
      await until(() => queue.pending().length + failures.length >= total, 120_000);
      const pending = queue.pending();
      debug(`queued ${pending.length}, failures ${failures.length}`);
      global.gc?.();
      const rssWith = process.memoryUsage().rss;
      const growthMiB = (rssWith - before) / MiB;
      // Per-session order in the queue: each session's reasons appear as r0, r1, … r9.
      let orderKept = true;
      for (let s = 0; s < SESSIONS; s++) {
        const mine = pending.filter((p) => p.reason.startsWith(`s${s} `)).map((p) => Number(p.reason.split(' r')[1]));
        if (mine.join() !== Array.from({ length: PER_SESSION }, (_, i) => i).join()) orderKept = false;
      }
      // The person answers every card, oldest first: even rows approve, odd rows deny.
      for (const [index, request] of pending.entries()) {
        queue.decide({ requestId: request.id, decision: index % 2 === 0 ? 'approve' : 'deny', durationSeconds: 60, maxRuns: 1, commandMatch: 'exact', blockClient: false });
      }
      debug('decided all');
      await until(() => outcomes !== undefined, 180_000);
      // Row i was approved when i is even in queue order; each answer must be the one given to its own card.
      const expected = new Map(pending.map((p, i) => [p.command, i % 2 === 0 ? 'approved' : 'denied']));
      const answered = (outcomes ?? []).filter((o) => o !== undefined).length;
      const ownAnswers = outcomes !== undefined && outcomes.length === total && outcomes.every((o, i) => o === expected.get(commandFor(Math.floor(i / PER_SESSION), i % PER_SESSION)));
    return (
      {
        name: 'pending-200',
        metric: `RSS growth with ${total} pending requests from ${SESSIONS} sessions`,
        value: growthMiB,
        unit: 'MiB',
        target: '≤ 50 MB, none lost, per-session order kept',
        met: growthMiB <= 50 && pending.length === total && answered === total && orderKept && ownAnswers,
        notes: `endpoint default limits; ${failures.length} agent calls failed at the transport (${[...new Set(failures)].slice(0, 2).join('; ')}); ${pending.length}/${total} queued, ${answered}/${total} answered, each with its own card's decision: ${ownAnswers ? 'yes' : 'NO'}, per-session order ${orderKept ? 'kept' : 'BROKEN'}; RSS ${(before / MiB).toFixed(0)} → ${(rssWith / MiB).toFixed(0)} MiB of the process holding the endpoint, access service and consent queue (the ${SESSIONS} SDK clients run in another process)`,
      }
    );
    } finally {
      unsubscribe();
      if (!exited) agents.kill();
      await agentsExited;
    }
  } finally {
    service.dispose();
    await endpoint.close();
  }
}

/** 200 pending requests from 20 sessions against the endpoint's default limits. */
export async function benchPending(): Promise<Figure[]> {
  return [await measurePending()];
}

// 200 pending requests from 20 MCP sessions: real SDK clients over Streamable HTTP to Airlock's endpoint,
// request_access through the real AccessService into the real ConsentQueue (what the panel shows). While
// all 200 wait, RSS growth is measured against the same process before the sessions opened; then the
// "person" answers every card in queue order and each agent call must get its own answer, in order.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
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

const SESSIONS = Number(process.env["BENCH_SESSIONS"] ?? 20);
const PER_SESSION = Number(process.env["BENCH_PER_SESSION"] ?? 10);
const debug = (m: string): void => void (process.env['BENCH_DEBUG'] && process.stderr.write(`[pending] ${m}\n`));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measurePending(maxSessions?: number): Promise<Figure> {
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
    decide: (request) => evaluate(request, policy, Date.now()),
    limits: () => policy.limits,
    stores: { resolveAll: () => Promise.resolve(new Map()) },
    storeLabel: () => 'VS Code SecretStorage',
    workspace: { trusted: () => true, folders: () => [folder], realpath: (cwd) => Promise.resolve(cwd.startsWith('/') ? cwd : `${folder}/${cwd}`) },
    redaction: { minSecretLength: 8, create: (s) => createRedactor(s) },
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
    // Diagnosis: a higher session cap raises the connection cap too (maxConnections = 4 × maxSessions).
    ...(maxSessions === undefined ? {} : { limits: { maxSessions } }),
  });
  try {
    global.gc?.();
    await sleep(200);
    const before = process.memoryUsage().rss;
    const clients = await Promise.all(
      Array.from({ length: SESSIONS }, async (_, s) => {
        const client = new Client({ name: `agent-${s}`, version: '1' });
        await client.connect(new StreamableHTTPClientTransport(new URL(endpoint.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
        return client;
      }),
    );
    debug('sessions open');
    // Each session sends its requests in order (the next once the previous is queued); sessions run at once.
    const answers: Array<Promise<unknown>>[] = clients.map(() => []);
    const started = Date.now();
    const failures: string[] = [];
    await Promise.all(
      clients.map(async (client, s) => {
        for (let r = 0; r < PER_SESSION; r++) {
          const call = client.callTool(
            { name: 'request_access', arguments: { credentials: ['DEPLOY_TOKEN'], command: `npm run task-${s}-${r}`, reason: `s${s} r${r}` } },
            { timeout: 600_000, resetTimeoutOnProgress: true },
          );
          let settled = false;
          call.then(() => (settled = true), (e: unknown) => {
            settled = true;
            failures.push(String(e));
          });
          answers[s]!.push(call);
          while (!settled && !queue.pending().some((p) => p.reason === `s${s} r${r}`) && Date.now() - started < 60_000) await sleep(2);
        }
      }),
    );
    const total = SESSIONS * PER_SESSION;
    while (queue.pending().length + failures.length < total && Date.now() - started < 120_000) await sleep(10);
    const pending = queue.pending();
    debug(`queued ${pending.length}, failures ${failures.length}`);
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
    type Result = { isError?: boolean; _meta?: Record<string, unknown>; structuredContent?: { status?: string; grant?: { command?: string } } };
    const results = await Promise.all(answers.flat().map((p) => p.then((r) => r as Result, () => undefined)));
    // Row i was approved when i is even in queue order; each answer must be the one given to its own card.
    const expected = new Map(pending.map((p, i) => [p.command, i % 2 === 0 ? 'approved' : 'denied']));
    const outcomeOf = (r: Result | undefined): string | undefined =>
      r?.structuredContent?.status === 'approved' ? 'approved' : r?.isError === true && r._meta?.['dev.airlock/code'] === 'denied-by-person' ? 'denied' : undefined;
    const answered = results.filter((r) => outcomeOf(r) !== undefined).length;
    const ownAnswers = results.every((r, i) => outcomeOf(r) === expected.get(`npm run task-${Math.floor(i / PER_SESSION)}-${i % PER_SESSION}`));
        await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    return (
      {
        name: 'pending-200',
        metric: `RSS growth with ${total} pending requests from ${SESSIONS} sessions`,
        value: growthMiB,
        unit: 'MiB',
        target: '≤ 50 MB, none lost, per-session order kept',
        met: growthMiB <= 50 && pending.length === total && answered === total && orderKept && ownAnswers,
        notes: `${maxSessions === undefined ? 'endpoint default limits' : `maxSessions ${maxSessions}`}; ${failures.length} agent calls failed at the transport (${[...new Set(failures)].slice(0, 2).join('; ')}); ${pending.length}/${total} queued, ${answered}/${total} answered, each with its own card's decision: ${ownAnswers ? 'yes' : 'NO'}, per-session order ${orderKept ? 'kept' : 'BROKEN'}; RSS ${(before / MiB).toFixed(0)} → ${(rssWith / MiB).toFixed(0)} MiB (one process: endpoint, service, queue and the ${SESSIONS} SDK clients)`,
      }
    );
  } finally {
    service.dispose();
    await endpoint.close();
  }
}

/**
 * The figure with the endpoint's default limits; when requests are lost there, the same run again with a
 * higher session (and so connection) cap, to show what limits it.
 */
export async function benchPending(): Promise<Figure[]> {
  const figure = await measurePending();
  if (figure.met) return [figure];
  const raised = await measurePending(64);
  return [{ ...figure, notes: `${figure.notes ?? ''}. Same run with maxSessions 64 (so 256 connections): ${raised.notes ?? ''}, RSS growth ${raised.value.toFixed(1)} MiB` }];
}

// The agents of the pending-requests figure, in their own process so that the figure's RSS is Airlock's
// (endpoint, access service, consent queue) and not the SDK clients'. Forked by bench/pending.ts, which
// tells it over IPC when each request is queued, so every session sends its requests strictly in order.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

export type ToAgents = { readonly type: 'queued'; readonly session: number; readonly index: number };
export type FromAgents =
  | { readonly type: 'sent'; readonly session: number; readonly index: number }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'results'; readonly outcomes: readonly ('approved' | 'denied' | undefined)[] };

export const reasonFor = (session: number, index: number): string => `s${session} r${index}`;
export const commandFor = (session: number, index: number): string => `npm run task-${session}-${index}`;

type Result = { isError?: boolean; _meta?: Record<string, unknown>; structuredContent?: { status?: string } };
const outcomeOf = (r: Result | undefined): 'approved' | 'denied' | undefined =>
  r?.structuredContent?.status === 'approved' ? 'approved' : r?.isError === true && r._meta?.['dev.airlock/code'] === 'denied-by-person' ? 'denied' : undefined;

async function main(): Promise<void> {
  const send = (message: FromAgents): void => void process.send?.(message);
  const url = new URL(process.env['BENCH_URL'] ?? '');
  const token = process.env['BENCH_TOKEN'] ?? '';
  const sessions = Number(process.env['BENCH_SESSIONS']);
  const perSession = Number(process.env['BENCH_PER_SESSION']);
  const queued = new Set<string>();
  const waiters = new Map<string, () => void>();
  process.on('message', (message: ToAgents) => {
    const key = reasonFor(message.session, message.index);
    queued.add(key);
    waiters.get(key)?.();
  });
  const whenQueued = (key: string): Promise<void> => (queued.has(key) ? Promise.resolve() : new Promise((resolve) => waiters.set(key, resolve)));

  const clients = await Promise.all(
    Array.from({ length: sessions }, async (_, s) => {
      const client = new Client({ name: `agent-${s}`, version: '1' });
      await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      return client;
    }),
  );
  const calls: Promise<Result | undefined>[] = [];
  await Promise.all(
    clients.map(async (client, s) => {
      for (let r = 0; r < perSession; r++) {
        const call = client
          .callTool({ name: 'request_access', arguments: { credentials: ['DEPLOY_TOKEN'], command: commandFor(s, r), reason: reasonFor(s, r) } }, { timeout: 600_000, resetTimeoutOnProgress: true })
          .then((result) => result as Result, (error: unknown) => {
            send({ type: 'failed', error: String(error) });
            return undefined;
          });
        calls[s * perSession + r] = call;
        send({ type: 'sent', session: s, index: r });
        // The next request of this session only once this one is in the queue: per-session order is then
        // the order the person sees, and the figure can check it.
        await Promise.race([whenQueued(reasonFor(s, r)), call]);
      }
    }),
  );
  const results = await Promise.all(calls);
  send({ type: 'results', outcomes: results.map(outcomeOf) });
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  process.disconnect?.();
}

if (require.main === module) void main();

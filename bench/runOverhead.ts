// Run overhead: what Airlock adds to running a trivial command — spawnWithSecrets (env copy + secrets,
// own process group) + the streaming redactor over stdout/stderr + the agent's output buffer — against
// child_process.spawn of the same shell command with plain stdio collection. Interleaved.
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { spawnWithSecrets } from '../src/adapters/node/spawnWithSecrets';
import { OutputBuffer } from '../src/core/runner/outputBuffer';
import { SecretValue } from '../src/core/secrets/secretValue';
import { interleaved, stat, type Figure } from './lib';
import { makeRedactor, makeSecrets } from './redactorAdapter';

const COMMAND = 'echo "deploying"; echo "done" 1>&2';
const SHELL = '/bin/sh';

function drain(stream: Readable, onText: (text: string) => void): Promise<void> {
  return new Promise((resolve) => {
    const decoder = new StringDecoder('utf8');
    stream.on('data', (chunk: Buffer) => onText(decoder.write(chunk)));
    stream.on('end', () => {
      onText(decoder.end());
      resolve();
    });
  });
}

export async function benchRunOverhead(iterations = 300): Promise<Figure[]> {
  const secrets = makeSecrets(3);
  const redactor = makeRedactor(secrets);
  const secretEnv = secrets.map((s) => ({ credential: s.name, env: s.name, value: new SecretValue(s.value) }));

  const airlock = async (): Promise<void> => {
    const child = spawnWithSecrets({ command: COMMAND, cwd: process.cwd(), shell: SHELL, secrets: secretEnv });
    child.stdin.end();
    const buffer = new OutputBuffer(64 * 1024);
    const pump = (stream: Readable): Promise<void> => {
      const scrub = redactor.stream();
      return drain(stream, (text) => buffer.append(scrub.push(text))).then(() => buffer.append(scrub.flush()));
    };
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    await Promise.all([pump(child.stdout), pump(child.stderr), exited]);
  };
  const direct = async (): Promise<void> => {
    const child = spawn(SHELL, ['-c', COMMAND], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end();
    let out = '';
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    await Promise.all([drain(child.stdout, (t) => (out += t)), drain(child.stderr, (t) => (out += t)), exited]);
  };
  for (let i = 0; i < 20; i++) {
    await airlock();
    await direct();
  }
  const times = await interleaved(iterations, airlock, direct);
  const a = stat(times.a);
  const b = stat(times.b);
  const delta = a.median - b.median;
  return [
    {
      name: 'run-overhead',
      metric: 'median ms added per run (spawnWithSecrets + redactor + output buffer) vs child_process.spawn',
      value: delta,
      unit: 'ms',
      target: '≤ +15 ms',
      met: delta <= 15,
      subject: a,
      baseline: b,
      subjectUnit: 'ms per run',
      notes: `\`sh -c '${COMMAND}'\`, ${iterations} interleaved runs each after 20 warm-up, 3 secrets in the env and the redactor. Not included: the VS Code task/pseudoterminal and consent (measured in the extension host tiers)`,
    },
  ];
}

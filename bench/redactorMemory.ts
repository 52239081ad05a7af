// Child process for the redactor memory figure: streams N MiB of mixed output through the redactor
// (200 secrets, every encoding), keeping nothing, and prints its peak RSS in MiB.
import { chunks, mixedOutput } from './corpus';
import { makeRedactor, makeSecrets } from './redactorAdapter';

const mib = Number(process.argv[2] ?? 64);
const secrets = makeSecrets(200);
const redactor = makeRedactor(secrets);
const block = chunks(mixedOutput(4 * 2 ** 20, secrets, 7));
const stream = redactor.stream();
let out = 0;
for (let done = 0; done < mib; done += 4) for (const chunk of block) out += stream.push(chunk).length;
out += stream.flush().length;
process.stdout.write(JSON.stringify({ mib, peakRssMiB: process.resourceUsage().maxRSS / 1024, out }) + '\n');

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Mints a throwaway CA (`ca.crt`, `ca.key`) and a server certificate for `names` signed by it
 * (`leaf.crt`, `leaf.key`) in `dir`, with openssl. The sandbox engine's proxy checks an upstream server
 * against the trust store of the process that runs it, so callers hand `ca.crt` to that process as
 * NODE_EXTRA_CA_CERTS. Returns that path.
 */
export function mintTestCa(dir: string, names: readonly string[] = ['localhost'], subject = 'airlock test CA'): string {
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', `/CN=${subject}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${names[0] ?? 'localhost'}`);
  writeFileSync(join(dir, 'ext'), `subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  ssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.crt', '-days', '2', '-extfile', 'ext');
  return join(dir, 'ca.crt');
}

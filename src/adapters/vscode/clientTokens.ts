import { existsSync } from 'node:fs';
import type * as vscode from 'vscode';
import { CLIENT_IDS, isClientId, type ClientId } from '../../core/clients';
import { clientTokenPath } from '../../core/connect/paths';
import type { Log } from '../../core/log';
import { generateClientToken, TokenRegistry } from '../../core/mcp/tokens';
import type { OwnSecrets } from '../../core/redaction/ownSecrets';
import { revealSecret, type SecretValue } from '../../core/secrets/secretValue';
import { removeFile, writePrivateFile } from '../node/privateFiles';

const SECRET_KEY_PREFIX = 'airlock.clientToken.';
const secretKey = (client: ClientId): string => `${SECRET_KEY_PREFIX}${client}`;
/** The name a slipped token is scrubbed to (`[redacted:…]`). */
const heldName = (client: ClientId): string => `airlock-client-token-${client}`;

/**
 * Client tokens: kept in SecretStorage (shared by every window of this user), mirrored into the
 * endpoint's TokenRegistry, and — for clients that launch the stdio bridge — into
 * `$AIRLOCK_HOME/clients/<client>.token` (0600). Rotating or revoking in any window takes effect in
 * every window (SecretStorage change events) and closes the client's open sessions. A token is a
 * SecretValue held in OwnSecrets (so the live scrubber hides it anywhere it slips); its raw value is read
 * here only, to hand it to SecretStorage, the registry's digest, the bridge's token file or VS Code's header.
 */
export class ClientTokens implements vscode.Disposable {
  readonly registry = new TokenRegistry();
  private readonly ensuring = new Map<ClientId, Promise<SecretValue>>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: Pick<vscode.SecretStorage, 'get' | 'store' | 'delete' | 'onDidChange'>,
    private readonly home: string,
    private readonly log: Log,
    private readonly own: OwnSecrets,
  ) {
    this.subscription = secrets.onDidChange((event) => {
      if (!event.key.startsWith(SECRET_KEY_PREFIX)) return;
      const client = event.key.slice(SECRET_KEY_PREFIX.length);
      if (isClientId(client)) void this.reload(client);
    });
  }

  /** Loads every stored token into the registry. */
  async load(): Promise<void> {
    await Promise.all(CLIENT_IDS.map((client) => this.reload(client)));
  }

  /** `client`'s token, created (and stored) when it has none. Concurrent calls share one creation. */
  ensure(client: ClientId): Promise<SecretValue> {
    const pending = this.ensuring.get(client);
    if (pending) return pending;
    const created = this.ensureNow(client).finally(() => this.ensuring.delete(client));
    this.ensuring.set(client, created);
    return created;
  }

  private async ensureNow(client: ClientId): Promise<SecretValue> {
    const existing = await this.secrets.get(secretKey(client));
    if (existing !== undefined && existing !== '') return this.install(client, existing);
    const raw = generateClientToken();
    await this.secrets.store(secretKey(client), raw);
    const token = this.install(client, raw);
    this.log.info(`Created a token for ${client}.`);
    return token;
  }

  /** `Authorization` header value for `client` (VS Code's own MCP client), creating its token if needed. */
  async bearerHeader(client: ClientId): Promise<string> {
    return `Bearer ${revealSecret(await this.ensure(client), 'own-credential')}`;
  }

  /** Holds `raw` as `client`'s token: scrubbed from every surface, live in the registry. */
  private install(client: ClientId, raw: string): SecretValue {
    const token = this.own.hold(heldName(client), raw);
    this.registry.set(client, raw);
    return token;
  }

  /** Writes `client`'s token file for the stdio bridge (creating the token if needed). */
  async writeTokenFile(client: ClientId): Promise<string> {
    const token = await this.ensure(client);
    const path = clientTokenPath(this.home, client);
    writePrivateFile(path, `${revealSecret(token, 'own-credential')}\n`);
    return path;
  }

  hasTokenFile(client: ClientId): boolean {
    return existsSync(clientTokenPath(this.home, client));
  }

  /** Replaces `client`'s token: the old one stops working at once; an existing token file is rewritten. */
  async rotate(client: ClientId): Promise<void> {
    const raw = generateClientToken();
    await this.secrets.store(secretKey(client), raw);
    this.install(client, raw);
    if (this.hasTokenFile(client)) writePrivateFile(clientTokenPath(this.home, client), `${raw}\n`);
    this.log.info(`Rotated the token for ${client}; its open sessions were closed.`);
  }

  /** Deletes `client`'s token and token file: it is refused at once, open sessions included. */
  async revoke(client: ClientId): Promise<void> {
    await this.secrets.delete(secretKey(client));
    this.registry.revoke(client);
    this.own.release(heldName(client));
    removeFile(clientTokenPath(this.home, client));
    this.log.info(`Revoked the token for ${client}; its open sessions were closed.`);
  }

  clientsWithTokens(): readonly ClientId[] {
    return this.registry.clients();
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private async reload(client: ClientId): Promise<void> {
    const token = await this.secrets.get(secretKey(client));
    if (token === undefined || token === '') {
      this.registry.revoke(client);
      this.own.release(heldName(client));
    } else if (this.registry.verify(token) !== client) this.install(client, token);
  }
}

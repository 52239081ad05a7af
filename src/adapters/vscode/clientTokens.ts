import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { CLIENT_IDS, isClientId, type ClientId } from '../../core/clients';
import { clientTokenPath } from '../../core/connect/paths';
import type { Log } from '../../core/log';
import { generateClientToken, TokenRegistry } from '../../core/mcp/tokens';
import { removeFile, writePrivateFile } from '../node/privateFiles';

const SECRET_KEY_PREFIX = 'airlock.clientToken.';
const secretKey = (client: ClientId): string => `${SECRET_KEY_PREFIX}${client}`;

/**
 * Client tokens: kept in SecretStorage (shared by every window of this user), mirrored into the
 * endpoint's TokenRegistry, and — for clients that launch the stdio bridge — into
 * `$AIRLOCK_HOME/clients/<client>.token` (0600). Rotating or revoking in any window takes effect in
 * every window (SecretStorage change events) and closes the client's open sessions.
 */
export class ClientTokens implements vscode.Disposable {
  readonly registry = new TokenRegistry();
  private readonly ensuring = new Map<ClientId, Promise<string>>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly home: string,
    private readonly log: Log,
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
  ensure(client: ClientId): Promise<string> {
    const pending = this.ensuring.get(client);
    if (pending) return pending;
    const created = this.ensureNow(client).finally(() => this.ensuring.delete(client));
    this.ensuring.set(client, created);
    return created;
  }

  private async ensureNow(client: ClientId): Promise<string> {
    const existing = await this.secrets.get(secretKey(client));
    if (existing !== undefined && existing !== '') {
      this.registry.set(client, existing);
      return existing;
    }
    const token = generateClientToken();
    await this.secrets.store(secretKey(client), token);
    this.registry.set(client, token);
    this.log.info(`Created a token for ${client}.`);
    return token;
  }

  /** Writes `client`'s token file for the stdio bridge (creating the token if needed). */
  async writeTokenFile(client: ClientId): Promise<string> {
    const token = await this.ensure(client);
    const path = clientTokenPath(this.home, client);
    writePrivateFile(path, `${token}\n`);
    return path;
  }

  hasTokenFile(client: ClientId): boolean {
    return existsSync(clientTokenPath(this.home, client));
  }

  /** Replaces `client`'s token: the old one stops working at once; an existing token file is rewritten. */
  async rotate(client: ClientId): Promise<void> {
    const token = generateClientToken();
    await this.secrets.store(secretKey(client), token);
    this.registry.set(client, token);
    if (this.hasTokenFile(client)) writePrivateFile(clientTokenPath(this.home, client), `${token}\n`);
    this.log.info(`Rotated the token for ${client}; its open sessions were closed.`);
  }

  /** Deletes `client`'s token and token file: it is refused at once, open sessions included. */
  async revoke(client: ClientId): Promise<void> {
    await this.secrets.delete(secretKey(client));
    this.registry.revoke(client);
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
    if (token === undefined || token === '') this.registry.revoke(client);
    else if (this.registry.verify(token) !== client) this.registry.set(client, token);
  }
}

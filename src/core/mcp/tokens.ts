import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CLIENT_IDS, type ClientId } from '../clients';

/** 256 bits of randomness, base64url (43 characters): one client's bearer token. */
export function generateClientToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Shape of a token Airlock issues; anything else is refused before any comparison. */
export const CLIENT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Answers "which client does this bearer token belong to?" — the endpoint's only view of tokens. */
export interface TokenVerifier {
  /** The client whose live token equals `token`, compared in constant time; undefined otherwise. */
  verify(token: string): ClientId | undefined;
}

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * The live tokens, held as SHA-256 digests. `verify` hashes the presented token and compares it with
 * every client's digest using `timingSafeEqual` on equal-length buffers, without an early exit, so the
 * time taken says nothing about which client or how many bytes matched. Revoking or replacing a token
 * takes effect on the next request; listeners learn about it so open sessions can be closed.
 */
export class TokenRegistry implements TokenVerifier {
  private readonly digests = new Map<ClientId, Buffer>();
  private readonly listeners = new Set<(client: ClientId) => void>();
  private readonly changed = new Set<(client: ClientId) => void>();

  /** Installs `token` as `client`'s only valid token (a different previous one stops working). */
  set(client: ClientId, token: string): void {
    const previous = this.digests.get(client);
    const next = digest(token);
    this.digests.set(client, next);
    if (previous && !timingSafeEqual(previous, next)) this.emit(client);
    if (!previous || !timingSafeEqual(previous, next)) this.emitChanged(client);
  }

  /** Removes `client`'s token; its sessions are told to close. */
  revoke(client: ClientId): void {
    if (this.digests.delete(client)) {
      this.emit(client);
      this.emitChanged(client);
    }
  }

  has(client: ClientId): boolean {
    return this.digests.has(client);
  }

  clients(): readonly ClientId[] {
    return CLIENT_IDS.filter((client) => this.digests.has(client));
  }

  verify(token: string): ClientId | undefined {
    if (!CLIENT_TOKEN_PATTERN.test(token)) return undefined;
    const presented = digest(token);
    let match: ClientId | undefined;
    for (const client of CLIENT_IDS) {
      const expected = this.digests.get(client) ?? ABSENT;
      // Always compare, also for absent clients, so the loop costs the same whatever is registered.
      if (timingSafeEqual(presented, expected) && expected !== ABSENT) match = client;
    }
    return match;
  }

  /** Called with the client whose token was replaced or revoked. */
  onTokenInvalidated(listener: (client: ClientId) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Called with the client whose token was installed, replaced or revoked (the Agents view listens). */
  onDidChange(listener: (client: ClientId) => void): { dispose(): void } {
    this.changed.add(listener);
    return { dispose: () => this.changed.delete(listener) };
  }

  private emitChanged(client: ClientId): void {
    for (const listener of [...this.changed]) {
      try {
        listener(client);
      } catch {
        // A view must not break token handling.
      }
    }
  }

  private emit(client: ClientId): void {
    for (const listener of [...this.listeners]) listener(client);
  }
}

// A digest no token hashes to in practice (SHA-256 preimage of all zero bytes is unknown).
const ABSENT = Buffer.alloc(32);

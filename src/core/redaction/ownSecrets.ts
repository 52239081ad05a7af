import { SecretValue } from '../secrets/secretValue';
import type { LiveSecrets } from './liveSecrets';
import { checkRedactable } from './redactor';

/**
 * Airlock's own credentials — each client's bearer token, the 1Password service-account token — held as
 * SecretValues and registered with {@link LiveSecrets} while held, so one that slips into a log line, an MCP
 * result, an error or an audit event is scrubbed exactly like a grant's secret.
 */
export class OwnSecrets {
  private readonly held = new Map<string, { readonly value: SecretValue; readonly registration: { dispose(): void } | undefined }>();

  constructor(private readonly live: LiveSecrets) {}

  /**
   * Holds `raw` under `name`, replacing (unregistering) what was held under that name, and returns it as a
   * SecretValue. A value too short to scrub reliably is still returned, but cannot be registered.
   */
  hold(name: string, raw: string): SecretValue {
    const value = new SecretValue(raw);
    const checked = checkRedactable({ name, value });
    this.release(name);
    this.held.set(name, { value, registration: checked.ok ? this.live.add([{ name, value }]) : undefined });
    return value;
  }

  /** Stops scrubbing what was held under `name` (its value was deleted or replaced). */
  release(name: string): void {
    this.held.get(name)?.registration?.dispose();
    this.held.delete(name);
  }

  dispose(): void {
    for (const name of [...this.held.keys()]) this.release(name);
  }
}

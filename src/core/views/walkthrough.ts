import type { AuditEvent } from '../audit/events';

/** The walkthrough's steps that complete on an audit event (the other two: a session opens; Activity is seen). */
export type AuditedStep = 'secretStored' | 'requestApproved';

/**
 * Which walkthrough step an audit event completes: a secret really stored (Add Secret, or an agent's
 * request_secret_entry the person filled in) or a request the person approved in the consent panel — a
 * policy `allow` is not the person approving.
 */
export function walkthroughStepOf(event: AuditEvent): AuditedStep | undefined {
  if (event.type === 'secret-entry' && (event.outcome === 'stored' || event.outcome === 'updated')) return 'secretStored';
  if (event.type === 'decision' && event.decision === 'approved' && event.by === 'person') return 'requestApproved';
  return undefined;
}

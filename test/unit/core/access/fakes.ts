import type { AuditEvent, AuditSink } from '../../../../src/core/audit/events';
import type { Consent, ConsentAnswer, ConsentRequest } from '../../../../src/core/consent/consent';

/** Consent that records requests and lets the test answer them. */
export class FakeConsent implements Consent {
  readonly requests: ConsentRequest[] = [];
  private readonly answers: Array<(a: ConsentAnswer) => void> = [];
  readonly signals: AbortSignal[] = [];
  ask(request: ConsentRequest, signal: AbortSignal): Promise<ConsentAnswer> {
    this.requests.push(request);
    this.signals.push(signal);
    return new Promise((resolve) => this.answers.push(resolve));
  }
  answer(index: number, answer: ConsentAnswer): void {
    const resolve = this.answers[index];
    if (resolve === undefined) throw new Error(`no consent request #${index}`);
    resolve(answer);
  }
}

/** An audit sink that keeps events in memory and can be told to fail on one event type (disk full). */
export class FakeAudit implements AuditSink {
  readonly events: AuditEvent[] = [];
  failOn: AuditEvent['type'] | undefined;
  append(event: AuditEvent): Promise<void> {
    if (event.type === this.failOn) return Promise.reject(new Error('disk full'));
    this.events.push(event);
    return Promise.resolve();
  }
  types(): string[] {
    return this.events.map((e) => e.type);
  }
}

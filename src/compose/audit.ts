import { join } from 'node:path';
import { AuditFile } from '../adapters/node/auditFile';
import { AUDIT_HEAD_KEY, registerAuditCommands } from '../adapters/vscode/auditCommands';
import { isChainHead, type ChainHead } from '../core/audit/auditChain';
import { auditExportTarget, auditFacet } from '../testFacet/facets';
import type { Base, Contribution } from './feature';
import type { PolicyFeature } from './policy';

const MiB = 1024 * 1024;

export interface AuditFeature extends Contribution {
  /** What every feature appends to; append rejects when the log cannot be written, and callers then refuse the run. */
  readonly audit: AuditFile;
}

/**
 * Audit: hash-chained JSONL in global storage (shared by every window; the sink locks across them). Every
 * event passes the live scrubber; its size limit is `policy.audit`, read at each append.
 */
export function composeAudit(base: Base, { policy, onProblems }: Pick<PolicyFeature, 'policy' | 'onProblems'>): AuditFeature {
  const { context, log, live } = base;
  const dir = join(context.globalStorageUri.fsPath, 'audit');
  // The head after the latest append, kept outside the log: Verify then also sees a cut or rewritten end.
  const recordedHead = {
    get: () => {
      const value: unknown = context.globalState.get(AUDIT_HEAD_KEY);
      return isChainHead(value) ? value : undefined;
    },
    set: (head: ChainHead) => context.globalState.update(AUDIT_HEAD_KEY, head),
  };
  const audit = new AuditFile({ dir, maxFileBytes: () => policy.current().audit.maxFileSizeMiB * MiB, scrub: live.scrub, recordedHead });
  return {
    audit,
    disposables: [
      registerAuditCommands({ audit, scrub: live.scrub, log, exportTarget: AIRLOCK_TEST_FACET && base.testMode ? auditExportTarget : undefined }),
      onProblems((problems) => {
        for (const problem of problems) {
          audit.append({ type: 'settings-ignored', setting: problem.setting, why: problem.message }).catch(() => log.warn('Could not audit a settings problem.'));
        }
      }),
    ],
    testFacet: AIRLOCK_TEST_FACET && base.testMode ? auditFacet(audit, dir) : undefined,
  };
}

import { plainL10n, type L10n, type Say } from '../../shared/l10n';
import { suggestCredentialName } from '../envImport/envImport';
import { validateCredentialName } from '../secrets/envName';

/**
 * Plaintext secrets found in workspace files (by secretlint's recommended rules, loaded lazily by the
 * adapter): what a finding says and where, never what the value is. The one masking rule is here.
 */

/** A finding as the scanner reports it: which rule, and the value's [start, end) offsets in the text. */
export interface ScanFinding {
  readonly ruleId: string;
  readonly start: number;
  readonly end: number;
}

/** What a diagnostic shows: the masked message, the range, and a credential name to suggest. */
export interface SecretDiagnostic {
  readonly start: number;
  readonly end: number;
  readonly message: string;
  /** The kind of secret in the person's language ("GitHub token"); `ruleLabel(ruleId)` is its English. */
  readonly kind: string;
  /** The secretlint rule that found it. */
  readonly ruleId: string;
  readonly suggestedName: string;
}

/**
 * How a secret value is shown anywhere a person (or an agent reading the Problems panel) could see it:
 * not one character of it, only its length. The one masking rule; every caller uses it.
 */
export function maskSecret(length: number, l10n: L10n = plainL10n): string {
  return l10n.t('•••••••• ({0} characters)', length);
}

/** Each rule's kind of secret, in the person's words (brand names stay; a translator may keep them). */
const RULE_LABELS: Readonly<Record<string, Say>> = {
  aws: (l10n) => l10n.t('AWS credential'),
  gcp: (l10n) => l10n.t('Google Cloud credential'),
  azure: (l10n) => l10n.t('Azure credential'),
  github: (l10n) => l10n.t('GitHub token'),
  gitlab: (l10n) => l10n.t('GitLab token'),
  slack: (l10n) => l10n.t('Slack token'),
  npm: (l10n) => l10n.t('npm token'),
  openai: (l10n) => l10n.t('OpenAI API key'),
  anthropic: (l10n) => l10n.t('Anthropic API key'),
  'privatekey': (l10n) => l10n.t('private key'),
  'basicauth': (l10n) => l10n.t('password in a URL'),
  sendgrid: (l10n) => l10n.t('SendGrid API key'),
  shopify: (l10n) => l10n.t('Shopify token'),
  linear: (l10n) => l10n.t('Linear API key'),
  '1password': (l10n) => l10n.t('1Password service-account token'),
  'database-connection-string': (l10n) => l10n.t('database password'),
  'secp256k1-privatekey': (l10n) => l10n.t('private key'),
  'filezilla': (l10n) => l10n.t('FileZilla password'),
  'groq': (l10n) => l10n.t('Groq API key'),
  'hashicorp-vault': (l10n) => l10n.t('HashiCorp Vault token'),
};

/** "GitHub token" for `@secretlint/secretlint-rule-github`; a generic label for rules not listed. */
export function ruleLabel(ruleId: string, l10n: L10n = plainL10n): string {
  const short = ruleId.replace(/^@secretlint\/secretlint-rule-/, '');
  return RULE_LABELS[short]?.(l10n) ?? l10n.t('secret');
}

const RULE_NAMES: Readonly<Record<string, string>> = {
  github: 'GITHUB_TOKEN', gitlab: 'GITLAB_TOKEN', slack: 'SLACK_TOKEN', npm: 'NPM_TOKEN', openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY',
  aws: 'AWS_SECRET_ACCESS_KEY', sendgrid: 'SENDGRID_API_KEY', linear: 'LINEAR_API_KEY', groq: 'GROQ_API_KEY',
};

/**
 * A credential name for the value at `start`: the key it is assigned to on its line (`KEY=`, `"apiKey": `,
 * `token: `), else one for the kind of secret, else `SECRET`.
 */
export function suggestNameAt(text: string, start: number, ruleId: string): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const before = text.slice(lineStart, start);
  const key = /["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*["']?$/.exec(before)?.[1];
  if (key !== undefined) {
    const name = suggestCredentialName(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
    if (validateCredentialName(name).ok) return name;
  }
  return RULE_NAMES[ruleId.replace(/^@secretlint\/secretlint-rule-/, '')] ?? 'SECRET';
}

/**
 * Diagnostics for the findings in `text`: masked message, range, suggested name. Overlapping findings of
 * several rules are reported once (the first). The message never holds any part of the value.
 */
export function diagnosticsFor(text: string, findings: readonly ScanFinding[], l10n: L10n): SecretDiagnostic[] {
  const sorted = [...findings].filter((f) => f.start >= 0 && f.end > f.start && f.end <= text.length).sort((a, b) => a.start - b.start || b.end - a.end);
  const out: SecretDiagnostic[] = [];
  for (const finding of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && finding.start < last.end) continue;
    const kind = ruleLabel(finding.ruleId, l10n);
    out.push({
      start: finding.start,
      end: finding.end,
      kind,
      ruleId: finding.ruleId,
      message: l10n.t('Plaintext {0} in this file: {1}. Anyone (or any agent) who can read the file can use it; move it into Airlock.', kind, maskSecret(finding.end - finding.start, l10n)),
      suggestedName: suggestNameAt(text, finding.start, finding.ruleId),
    });
  }
  return out;
}

const CONFIG_EXTENSIONS = /\.(json|jsonc|json5|ya?ml|toml|ini|cfg|conf|properties|xml|tfvars)$/i;
const CONFIG_NAMES = new Set(['.npmrc', '.pypirc', '.netrc', '.dockercfg', 'credentials', 'config', '.git-credentials', 'docker-compose.yml', '.yarnrc', '.yarnrc.yml']);

/** Whether a file (by base name) is scanned on open: `.env*` files and common config files. */
export function isScannedOnOpen(baseName: string): boolean {
  return isEnvFileName(baseName) || CONFIG_NAMES.has(baseName) || CONFIG_EXTENSIONS.test(baseName);
}

/** `.env`, `.env.local`, `prod.env`: what the Import command and the Explorer menu offer for. */
export function isEnvFileName(baseName: string): boolean {
  return baseName === '.env' || baseName.startsWith('.env.') || baseName.endsWith('.env');
}

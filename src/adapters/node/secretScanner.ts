// The dotenv parser and secretlint's recommended rules, in their own bundle (dist/secret-scan.js) that is
// required on first use only (see loadSecretScanner in src/adapters/vscode/secretScan.ts): neither costs
// activation time. Pure functions over text; no file system, no network.
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { parse } from 'dotenv';
import type { ScanFinding } from '../../core/scan/plaintextSecrets';

/** The `dotenv` package's parser: `.env` text in, key → value out (no variable expansion, no file access). */
export function parseDotenv(text: string): Record<string, string> {
  return parse(text);
}

/**
 * Findings of secretlint's recommended rules in `text` (the file path only selects rules and shows in
 * nothing Airlock keeps). Returns rule ids and offsets; secretlint's own messages (which may quote a
 * value) are dropped here.
 */
export async function scanText(filePath: string, text: string): Promise<ScanFinding[]> {
  const result = await lintSource({
    source: { filePath, content: text, contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] }, maskSecrets: true },
  });
  return result.messages
    .filter((message) => message.type === 'message')
    .map((message) => ({ ruleId: message.ruleId, start: message.range[0], end: message.range[1] }));
}

export type SecretScannerModule = typeof import('./secretScanner');

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../../src/shared/ids';

/**
 * Localisation as the real extension host sees it: the manifest names the bundle folder, the English
 * bundle is there, and in this (English) window VS Code loads no translation, so every message Airlock
 * shows is its English source, formatted by vscode.l10n itself.
 */
describe('l10n (real extension host)', () => {
  it('the extension declares its l10n folder and ships the English bundle there', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    assert.equal((extension.packageJSON as { l10n?: string }).l10n, './l10n');
    const bundle = JSON.parse(readFileSync(vscode.Uri.joinPath(extension.extensionUri, 'l10n', 'bundle.l10n.json').fsPath, 'utf8')) as Record<string, string>;
    for (const key of ['{0} asks for {1} — Review', 'Approve', 'Airlock: {0} failed. See the Airlock output channel.']) assert.equal(bundle[key], key);
  });

  it('in an English window there is no translation bundle, and vscode.l10n.t fills arguments as src/shared/l10n.ts does', () => {
    assert.equal(vscode.env.language, 'en');
    assert.equal(vscode.l10n.bundle, undefined);
    assert.equal(vscode.l10n.t('{0} asks for {1} — Review', 'Codex', 'DEPLOY_TOKEN'), 'Codex asks for DEPLOY_TOKEN — Review');
  });
});

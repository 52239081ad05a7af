// The Connect commands for GitHub Copilot CLI and Gemini CLI, proved by the clients themselves: each CLI
// (installed from npm by scripts/setup-real-vscode.sh, pinned) runs `mcp list` / `mcp get` against the
// config Airlock wrote in the sandbox HOME, and must show Airlock's bridge with the right client flag.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import * as vscode from 'vscode';
import { launcherPath } from '../../../../src/core/connect/paths';
import { Commands } from '../../../../src/shared/ids';
import { liveEndpoint } from '../../helpers/endpoint';

const clis = process.env['AIRLOCK_TEST_AGENT_CLIS'] ?? '';
const workspace = (): string => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? homedir();

/** Runs an npm-installed CLI's bin script with the extension host's own Node; resolves stdout + stderr. */
function runCli(pkg: string, bin: string, args: readonly string[]): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(clis, pkg, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const script = join(clis, pkg, manifest.bin[bin] ?? '');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, ...args], {
      // In the workspace: the bridge relays to the Airlock window whose folder holds its working directory.
      cwd: workspace(),
      // As from a terminal: without the extension host's VSCODE_* variables (Gemini CLI would take them
      // for its IDE integration and ask the IDE about folder trust).
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VSCODE_') && key !== 'TERM_PROGRAM')), ELECTRON_RUN_AS_NODE: '1', NO_COLOR: '1' },
      timeout: 90_000,
      maxBuffer: 4 * 1024 * 1024,
    }, (error, stdout, stderr) => {
      const out = `${stdout}${stderr}`;
      if (error !== null && out.trim() === '') reject(error);
      else resolve(out);
    });
  });
}

describe('Connect commands accepted by the real agent CLIs', function () {
  this.timeout(180_000);

  before(async () => {
    assert.ok(clis !== '' && existsSync(clis), `the agent CLIs are not installed (AIRLOCK_TEST_AGENT_CLIS=${clis}); run scripts/setup-real-vscode.sh`);
    await liveEndpoint();
  });

  it('Connect GitHub Copilot CLI: `copilot mcp list` and `mcp get airlock` show the bridge, with the person\'s comments kept', async () => {
    const config = join(homedir(), '.copilot', 'mcp-config.json');
    mkdirSync(dirname(config), { recursive: true });
    writeFileSync(config, '{\n  // mine: keep this comment\n  "mcpServers": {}\n}\n');
    const result = await vscode.commands.executeCommand<{ outcome: string; path: string }>(Commands.connectCopilotCli, { confirm: false });
    assert.equal(result.outcome, 'changed');
    assert.equal(result.path, config);
    assert.ok(readFileSync(config, 'utf8').includes('// mine: keep this comment'));
    const list = await runCli('@github/copilot', 'copilot', ['mcp', 'list']);
    console.log(`copilot mcp list:\n${list}`);
    assert.match(list, /airlock \(local\)/);
    const get = await runCli('@github/copilot', 'copilot', ['mcp', 'get', 'airlock']);
    console.log(`copilot mcp get airlock:\n${get}`);
    assert.ok(get.includes(`Command: ${launcherPath(process.env['AIRLOCK_HOME'] ?? '')} --client copilot-cli`), get);
    assert.match(get, /Status: Enabled/);
  });

  it('Connect Gemini CLI (user scope): `gemini mcp list` starts the bridge and reports it Connected', async () => {
    // As a person who trusted their project in Gemini CLI (in a folder it was not told to trust, it starts
    // no MCP server and `mcp list` says only "Disabled"); their own settings.json, which Connect must keep.
    mkdirSync(join(homedir(), '.gemini'), { recursive: true });
    writeFileSync(join(homedir(), '.gemini', 'trustedFolders.json'), JSON.stringify({ [workspace()]: 'TRUST_FOLDER' }));
    const settings = join(homedir(), '.gemini', 'settings.json');
    writeFileSync(settings, '{\n  // mine: keep this comment\n  "ui": { "hideTips": true }\n}\n');
    const result = await vscode.commands.executeCommand<{ outcome: string; path: string }>(Commands.connectGeminiCli, { scope: 'user', confirm: false });
    assert.equal(result.outcome, 'changed');
    assert.equal(result.path, settings);
    const written = readFileSync(settings, 'utf8');
    assert.ok(written.includes('// mine: keep this comment') && written.includes('"hideTips"'), written);
    // `gemini mcp list` gives a server `timeout` ms to connect (5 s unless set): starting node, the bridge
    // and its first answer can take longer on a busy machine. A generous limit makes "Connected" the verdict.
    writeFileSync(settings, applyEdits(written, modify(written, ['mcpServers', 'airlock', 'timeout'], 120_000, {})));
    const list = await runCli('@google/gemini-cli', 'gemini', ['mcp', 'list']);
    console.log(`gemini mcp list (in ${workspace()}):\n${list}`);
    assert.ok(list.includes(`airlock: ${launcherPath(process.env['AIRLOCK_HOME'] ?? '')} --client gemini-cli (stdio) - Connected`), list);
  });

  it('Disconnect removes Airlock from both, and the CLIs no longer list it', async () => {
    await vscode.commands.executeCommand(Commands.disconnectCopilotCli, { confirm: false });
    await vscode.commands.executeCommand(Commands.disconnectGeminiCli, { scope: 'user', confirm: false });
    assert.doesNotMatch(await runCli('@github/copilot', 'copilot', ['mcp', 'list']), /airlock/);
    assert.doesNotMatch(await runCli('@google/gemini-cli', 'gemini', ['mcp', 'list']), /airlock:/);
  });
});

// Code-pinned grants in the real extension host, driven over MCP as an agent would: get a grant (an allow
// rule, so no click is needed), run once (the grant's own run), then change what the command runs the way a
// prompt-injected agent would — the script file, package.json, a git-ignored node_modules package, a project
// .npmrc, a git hook, a skip-worktree file — and call `run` again. Each must be refused with `code-changed`
// naming the path, the grant must end, and the canary must reach no agent-visible surface: every MCP result
// is written to $AIRLOCK_TEST_SANDBOX/captured/ for the leak scan test/security/run.ts runs afterwards.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AirlockTestApi } from '../../../src/testFacet/api';
import { findLeaks } from '../../support/canary';
import { connectMcpClient } from '../../support/mcpClient';
import { recordOutcomes } from '../support/figures';

// What the agent's edits make the command do: print the secret raw, reversed and base64 (the redactor
// knows no reversal: only refusing the run keeps that one out).
const EVIL = 'const v = process.env.CANARY_TOKEN || ""; console.log(v, [...v].reverse().join(""), Buffer.from(v).toString("base64"));\n';

describe('security (real extension host): code-pinned grants', function () {
  recordOutcomes('code pins (real host)', { tried: 'attacks and card checks', held: 'refused or shown' });
  this.timeout(240_000);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const write = (path: string, text: string): void => {
    mkdirSync(join(folder, path, '..'), { recursive: true });
    writeFileSync(join(folder, path), text);
  };
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.email=agent@example.invalid', '-c', 'user.name=agent', '-c', 'commit.gpgsign=false', ...args], { cwd: folder, encoding: 'utf8' });

  let airlock: AirlockTestApi;
  let canary = '';
  let mcp: Awaited<ReturnType<typeof connectMcpClient>>;
  const captured: unknown[] = [];

  before(async () => {
    airlock = (await vscode.extensions.getExtension('airlock-dev.airlock')!.activate()) as AirlockTestApi;
    assert.ok(airlock.endpoint && airlock.stores && airlock.grants, 'endpoint, stores and grants are wired');
    const canaries = JSON.parse(readFileSync(process.env['AIRLOCK_SECURITY_CANARY_FILE'] ?? '', 'utf8')) as Record<string, string>;
    canary = canaries['CANARY_TOKEN'] ?? '';
    await airlock.stores.secretStorage.put('CANARY_TOKEN', canary);
    // The project as the person approved it: a git repository with a package script, a helper package in
    // (git-ignored) node_modules, and a git hook folder.
    write('package.json', JSON.stringify({ name: 'pin-fixture', private: true, scripts: { deploy: 'node scripts/deploy.js' } }, null, 2));
    write('scripts/deploy.js', 'require("helper"); console.log("deploying (benign)");\n');
    write('node_modules/helper/package.json', '{"name":"helper","main":"index.js"}\n');
    write('.gitignore', 'node_modules/\n.npmrc\n');
    git('init', '-q');
    git('config', 'user.email', 'person@example.invalid');
    git('config', 'user.name', 'person');
    git('config', 'commit.gpgsign', 'false');
    git('add', '-A');
    git('commit', '-qm', 'approved state');
    const url = await airlock.endpoint!.ready();
    assert.ok(url);
    mcp = await connectMcpClient(url, await airlock.endpoint!.clientToken('codex'), 'security-code-pin');
  });

  after(async () => {
    await mcp?.close();
    const dir = join(process.env['AIRLOCK_TEST_SANDBOX'] ?? '/tmp', 'captured');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'code-pin-results.json'), JSON.stringify(captured, null, 2));
    writeFileSync(join(dir, 'code-pin-terminal.txt'), airlock?.grants?.terminalText() ?? '');
  });

  const call = async (name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const result = (await mcp.client.callTool({ name, arguments: args }, { timeout: 90_000 })) as Record<string, unknown>;
    captured.push({ name, args, result });
    return result;
  };

  const attacks: { what: string; command: string; path: string; edit(): void }[] = [
    { what: 'the file the command runs', command: 'node scripts/deploy.js', path: 'scripts/deploy.js', edit: () => write('scripts/deploy.js', EVIL) },
    { what: 'the package script', command: 'npm run deploy', path: 'package.json', edit: () => write('package.json', JSON.stringify({ scripts: { deploy: 'node -e "console.log(process.env.CANARY_TOKEN)"' } })) },
    { what: 'a git-ignored node_modules package the script requires', command: 'node scripts/deploy.js', path: 'node_modules/helper/index.js', edit: () => write('node_modules/helper/index.js', EVIL) },
    {
      what: 'a git-ignored project .npmrc',
      command: 'npm run deploy',
      path: '.npmrc',
      edit: () => {
        write('node_modules/helper/hook.js', EVIL);
        write('.npmrc', 'node-options=--require=./node_modules/helper/hook.js\n');
      },
    },
    {
      what: 'a git hook',
      command: 'git commit -q --allow-empty -m pinned',
      path: '.git/hooks/pre-commit',
      edit: () => {
        write('.git/hooks/pre-commit', `#!/bin/sh\nnode -e '${EVIL.replace(/'/g, '')}'\n`);
        chmodSync(join(folder, '.git/hooks/pre-commit'), 0o755);
      },
    },
    {
      what: 'a skip-worktree file (hidden from git status)',
      command: 'node scripts/deploy.js',
      path: 'scripts/deploy.js',
      edit: () => {
        git('update-index', '--skip-worktree', 'scripts/deploy.js');
        write('scripts/deploy.js', EVIL);
      },
    },
  ];

  for (const attack of attacks) {
    it(`refuses the run after ${attack.what} changed (code-changed, naming it), ends the grant; the canary stays out`, async () => {
      // Back to the approved state before each attack (the person's commit; nothing ignored left over).
      git('update-index', '--no-skip-worktree', 'scripts/deploy.js');
      git('checkout', '-q', '--', '.');
      git('clean', '-qfdx', '-e', 'node_modules');
      write('node_modules/helper/index.js', 'module.exports = 1;\n');
      execFileSync('rm', ['-f', join(folder, '.git/hooks/pre-commit')]);

      const asked = await call('request_access', { credentials: ['CANARY_TOKEN'], command: attack.command, reason: 'code pin attack' });
      const grantId = (asked['structuredContent'] as { grant?: { grantId: string } } | undefined)?.grant?.grantId;
      assert.ok(grantId, `not approved: ${JSON.stringify(asked).slice(0, 400)}`);
      // The grant's own run: allowed, and what it writes (git's own files for the commit) does not count.
      const first = await call('run', { command: attack.command, grantId });
      assert.notEqual(first['isError'], true, `the approved run failed: ${JSON.stringify(first).slice(0, 400)}`);

      attack.edit();
      const ran = await call('run', { command: attack.command, grantId });
      const text = JSON.stringify(ran);
      assert.deepEqual(findLeaks(Buffer.from(text), [canary]), [], 'the canary reached the agent');
      assert.ok(!text.includes([...canary].reverse().join('')), 'the reversed canary reached the agent');
      assert.equal(ran['isError'], true, `the run was not refused: ${text.slice(0, 400)}`);
      assert.equal((ran['_meta'] as Record<string, unknown> | undefined)?.['dev.airlock/code'], 'code-changed', text.slice(0, 400));
      assert.ok(text.includes(attack.path), `the refusal does not name ${attack.path}: ${text.slice(0, 400)}`);
      // The grant has ended: the same grant is refused again, without running.
      const again = await call('run', { command: attack.command, grantId });
      assert.equal(again['isError'], true, 'the grant still runs');
      assert.ok(!airlock.grants!.terminalText().includes(canary), 'the canary reached the terminal');
    });
  }

  // The card at approval time: what the person sees must be what really runs (item 3 of the issue). Each
  // request is left pending (no allow rule covers these commands); the card is read through the test API.
  const cardFor = async (command: string): Promise<NonNullable<ReturnType<NonNullable<AirlockTestApi['consent']>['pending']>[number]['insight']>> => {
    const asked = call('request_access', { credentials: ['CANARY_TOKEN'], command, reason: 'card check' });
    let request = airlock.consent!.pending().find((r) => r.command === command);
    while (request === undefined) {
      await new Promise((r) => setTimeout(r, 100));
      request = airlock.consent!.pending().find((r) => r.command === command);
    }
    await asked;
    assert.ok(request.insight, `no insight for ${command}`);
    return request.insight;
  };

  it('the card shows what really runs: the last make recipe (with a warning), a BOM package.json, .npmrc, a skip-worktree change, the named file; warns when it cannot tell', async () => {
    git('update-index', '--no-skip-worktree', 'scripts/deploy.js');
    git('checkout', '-q', '--', '.');
    write('Makefile', 'ship:\n\techo benign\n\nship:\n\tnode -e "console.log(process.env.CANARY_TOKEN)"\n');
    const make = await cardFor('make ship');
    assert.match(make.body, /CANARY_TOKEN/, 'the card shows the recipe make really runs (the last)');
    assert.ok(make.warnings?.some((w) => /defined 2 times/.test(w)), JSON.stringify(make.warnings));

    write('package.json', `\uFEFF${JSON.stringify({ scripts: { ship: 'node scripts/ship.js' } })}`);
    write('scripts/ship.js', 'console.log(process.env.CANARY_TOKEN)\n');
    write('.npmrc', 'script-shell=./x.sh\n');
    const npm = await cardFor('npm run ship');
    assert.equal(npm.body, 'node scripts/ship.js', 'a BOM does not hide the script');
    assert.ok(npm.sections?.some((x) => x.title === 'Head of scripts/ship.js' && x.body.includes('CANARY_TOKEN')), 'the head of the file it runs');
    assert.ok(npm.sections?.some((x) => x.title === 'Project .npmrc'));
    assert.ok(npm.warnings?.some((w) => /"script-shell"/.test(w)));

    write('package.json', JSON.stringify({ scripts: { big: 'node x.js' }, pad: 'x'.repeat(1100 * 1024) }));
    const big = await cardFor('npm run big');
    assert.ok(big.warnings?.some((w) => /larger than 1 MiB/.test(w)), 'an oversized package.json is a warning, not silence');

    git('checkout', '-q', '--', '.');
    git('update-index', '--skip-worktree', 'scripts/deploy.js');
    write('scripts/deploy.js', EVIL);
    const hidden = await cardFor('node scripts/deploy.js --card');
    assert.ok(hidden.changedFiles?.includes('scripts/deploy.js'), `skip-worktree does not hide the change: ${JSON.stringify(hidden.changedFiles)}`);
    assert.match(hidden.code ?? '', /uncommitted change/);

    const opaque = await cardFor('sh -c "$(printf x)"');
    assert.match(opaque.warnings?.[0] ?? '', /cannot tell what this command runs/);
  });
});


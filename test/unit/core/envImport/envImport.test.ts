import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { parse } from 'dotenv';
import {
  credentialNameTaken, gitignoreLineFor, mergeCredentialDefinitions, onePasswordWriteMessage, planImport, readEnvEntries, rewriteEnvFile, runImport, suggestCredentialName, suggestItemTitle,
  type CreateItemOutcome, type CredentialDefinition, type EntryChoice, type FileAction, type ImportPlan, type ImportSteps,
} from '../../../../src/core/envImport/envImport';
import { fail, ok } from '../../../../src/core/outcome';
import type { SecretReference } from '../../../../src/core/secrets/reference';
import { revealSecret, SecretValue } from '../../../../src/core/secrets/secretValue';
import type { ResolveOutcome } from '../../../../src/core/secrets/store';
import { plainL10n, type L10n } from '../../../../src/shared/l10n';
import { markingL10n } from '../../../support/markingL10n';

const A = 'canary-alpha-7f3a9c1e5b';
const B = 'canary-bravo-2d8e4f6a0c';
const C = 'canary-charlie-9b1c3e5d7f';
const FILE = [
  '# local settings — keep this comment',
  `API_KEY=${A}`,
  'PORT=8080',
  `export DB_PASSWORD="${B}" # inline`,
  `MULTI="first line ${C}`,
  'second line of the key"',
  'EMPTY=',
  '',
].join('\n');

const choose = (entries: Record<string, EntryChoice>): Map<string, EntryChoice> => new Map(Object.entries(entries));
const planOf = (text: string, choices: Map<string, EntryChoice>): ImportPlan => {
  const planned = planImport(readEnvEntries(text, parse), choices, '.env');
  assert.ok(planned.ok, planned.ok ? '' : planned.message);
  return planned.value;
};
const allMoved = choose({ API_KEY: { kind: 'secret', name: 'API_KEY' }, DB_PASSWORD: { kind: 'secret', name: 'DB_PASSWORD' }, MULTI: { kind: 'secret', name: 'MULTI' } });

interface FakeOptions {
  failOnWrite?: number;
  action?: FileAction;
  corruptReadBack?: boolean;
  /** The nth createItem call answers this failure (the person's words, as the adapter gives them). */
  refuseCreate?: { nth: number; message: string };
  /** Items created hold another value than they were given (read-back must catch it). */
  corruptCreated?: boolean;
  failSettings?: boolean;
}

/**
 * SecretStorage and 1Password in memory; `failOnWrite` makes the nth write throw. Records what happened,
 * in order. The fake creator mirrors the ImportSteps contract: never throws, answers an op:// reference
 * built from the ids it made up.
 */
class FakeSteps implements ImportSteps {
  readonly stored = new Map<string, SecretValue>();
  /** What each created item holds (a test may read raw values: it checks what a real vault would hold). */
  readonly items = new Map<string, string>();
  readonly calls: string[] = [];
  fileText: string | undefined;
  definitions: readonly CredentialDefinition[] | undefined;
  constructor(private readonly options: FakeOptions = {}) {}
  createItem(vault: { id: string; title: string }, title: string, field: string, value: SecretValue): Promise<CreateItemOutcome> {
    this.calls.push(`create ${vault.id} ${title} ${field}`);
    const nth = this.calls.filter((c) => c.startsWith('create')).length;
    if (this.options.refuseCreate?.nth === nth) return Promise.resolve(fail('read-only', this.options.refuseCreate.message));
    const reference = `op://${vault.id}/item${nth}/credential`;
    this.items.set(reference, this.options.corruptCreated === true ? 'not the value' : revealSecret(value, 'store'));
    return Promise.resolve(ok(reference));
  }
  store(name: string, value: SecretValue): Promise<void> {
    this.calls.push(`store ${name}`);
    if (this.options.failOnWrite === this.calls.filter((c) => c.startsWith('store')).length) return Promise.reject(new Error('keychain unavailable'));
    this.stored.set(name, value);
    return Promise.resolve();
  }
  readBack(reference: SecretReference): Promise<ResolveOutcome> {
    this.calls.push(`read ${reference.raw}`);
    const item = this.items.get(reference.raw);
    if (item !== undefined) return Promise.resolve(ok(new SecretValue(item)));
    if (reference.kind !== 'secret') return Promise.resolve(ok(new SecretValue(A)));
    const value = this.stored.get(reference.name);
    if (value === undefined) return Promise.resolve(fail('not-found', 'missing'));
    return Promise.resolve(ok(this.options.corruptReadBack === true ? new SecretValue('other') : value));
  }
  writeCredentials(definitions: readonly CredentialDefinition[]): Promise<void> {
    this.calls.push('settings');
    this.definitions = definitions;
    if (this.options.failSettings === true) return Promise.reject(new Error('settings unwritable'));
    return Promise.resolve();
  }
  chooseFileAction(): Promise<FileAction> {
    this.calls.push('choose');
    return Promise.resolve(this.options.action ?? 'rewrite');
  }
  replaceFile(text: string): Promise<void> {
    this.calls.push('replace');
    this.fileText = text;
    return Promise.resolve();
  }
  deleteFile(): Promise<void> {
    this.calls.push('delete');
    return Promise.resolve();
  }
}

describe('.env import', () => {
  it('reads entries as SecretValues (nothing prints a value) and leaves out empty ones', () => {
    const entries = readEnvEntries(FILE, parse);
    assert.deepEqual(entries.map((e) => e.key), ['API_KEY', 'PORT', 'DB_PASSWORD', 'MULTI']);
    const shown = `${inspect(entries)} ${JSON.stringify(entries)} ${String(entries[0]?.value)}`;
    for (const value of [A, B, C]) assert.ok(!shown.includes(value));
  });

  it('suggests credential names', () => {
    assert.equal(suggestCredentialName('api-key.prod'), 'API_KEY_PROD');
    assert.equal(suggestCredentialName('9LIVES'), 'ENV_9LIVES');
    assert.equal(suggestCredentialName('_token'), 'ENV_TOKEN');
  });

  it('plans definitions (env only when it differs) and refuses reserved env keys, duplicates, taken names and bad references', () => {
    const plan = planOf(FILE, choose({ API_KEY: { kind: 'secret', name: 'SERVICE_KEY' }, DB_PASSWORD: { kind: 'op', name: 'DB_PASSWORD', reference: 'op://dev/db/password' } }));
    assert.deepEqual(plan.moves.map((m) => m.definition), [
      { name: 'SERVICE_KEY', description: 'Imported from .env', env: 'API_KEY', source: 'secret:SERVICE_KEY' },
      { name: 'DB_PASSWORD', description: 'Imported from .env', source: 'op://dev/db/password' },
    ]);
    assert.deepEqual(plan.kept, ['PORT', 'MULTI']);
    const entries = readEnvEntries('NODE_OPTIONS=--require ./x.js\nA=1\nB=2\n', parse);
    const reserved = planImport(entries, choose({ NODE_OPTIONS: { kind: 'secret', name: 'OPTS' } }), '.env');
    assert.ok(!reserved.ok && reserved.code === 'reserved-env-name');
    const twice = planImport(entries, choose({ A: { kind: 'secret', name: 'X' }, B: { kind: 'secret', name: 'X' } }), '.env');
    assert.ok(!twice.ok && twice.code === 'duplicate-name');
    const taken = planImport(entries, choose({ A: { kind: 'secret', name: 'X' } }), '.env', () => true);
    assert.ok(!taken.ok && taken.code === 'name-taken');
    const notOp = planImport(entries, choose({ A: { kind: 'op', name: 'X', reference: 'secret:X' } }), '.env');
    assert.ok(!notOp.ok && notOp.code === 'invalid-reference');
    const badName = planImport(entries, choose({ A: { kind: 'secret', name: 'lower' } }), '.env');
    assert.ok(!badName.ok && badName.code === 'invalid-credential-name');
    // The person's translator reaches the validators' messages too, not only the plan's own.
    const translatedName = planImport(entries, choose({ A: { kind: 'secret', name: 'lower' } }), '.env', undefined, markingL10n);
    assert.ok(!translatedName.ok && translatedName.message.startsWith('«A: «The credential name "lower" is not valid'), translatedName.ok ? '' : translatedName.message);
    const translatedEnv = planImport(entries, choose({ NODE_OPTIONS: { kind: 'secret', name: 'OPTS' } }), '.env', undefined, markingL10n);
    assert.ok(!translatedEnv.ok && translatedEnv.message.startsWith('«NODE_OPTIONS: «A credential cannot set the environment variable "NODE_OPTIONS": «it makes'));
  });

  it('rewrites moved entries (a multi-line value whole) as comments, keeps the rest, and leaves no value behind', () => {
    const rewritten = rewriteEnvFile(FILE, planOf(FILE, allMoved).moves, parse);
    assert.ok(rewritten.ok);
    assert.equal(rewritten.value, [
      '# local settings — keep this comment',
      '# API_KEY: moved into Airlock (secret:API_KEY)',
      'PORT=8080',
      '# DB_PASSWORD: moved into Airlock (secret:DB_PASSWORD)',
      '# MULTI: moved into Airlock (secret:MULTI)',
      'EMPTY=',
      '',
    ].join('\n'));
    for (const value of [A, B, C, 'second line of the key']) assert.ok(!rewritten.value.includes(value));
  });

  it('refuses a rewrite it cannot prove (a value repeated under a kept key stays in the file)', () => {
    const text = `TOKEN=${A}\nCOPY=${A}\n`;
    const rewritten = rewriteEnvFile(text, planOf(text, choose({ TOKEN: { kind: 'secret', name: 'TOKEN' } })).moves, parse);
    assert.ok(!rewritten.ok && rewritten.code === 'verification-failed');
  });

  it('stores and reads back every value before settings and the file change', async () => {
    const steps = new FakeSteps();
    const result = await runImport(planOf(FILE, allMoved), FILE, parse, steps);
    assert.ok(result.ok, result.ok ? '' : result.message);
    assert.deepEqual(steps.calls, [
      'store API_KEY', 'read secret:API_KEY', 'store DB_PASSWORD', 'read secret:DB_PASSWORD', 'store MULTI', 'read secret:MULTI', 'settings', 'choose', 'replace',
    ]);
    assert.deepEqual({ ...result.value, definitions: result.value.definitions.length }, { stored: ['API_KEY', 'DB_PASSWORD', 'MULTI'], referenced: [], created: [], definitions: 3, file: 'rewrite' });
  });

  it('a store that fails on the 2nd write loses nothing: no settings, the file untouched, the message says what was stored', async () => {
    const steps = new FakeSteps({ failOnWrite: 2 });
    const result = await runImport(planOf(FILE, allMoved), FILE, parse, steps);
    assert.ok(!result.ok && result.code === 'store-failed');
    assert.deepEqual(steps.calls, ['store API_KEY', 'read secret:API_KEY', 'store DB_PASSWORD']);
    assert.equal(steps.fileText, undefined);
    assert.match(result.message, /Already stored in SecretStorage: API_KEY\. The file was not changed\./);
    for (const value of [A, B, C]) assert.ok(!result.message.includes(value));
  });

  it('a value that reads back different stops before the file changes', async () => {
    const steps = new FakeSteps({ corruptReadBack: true });
    const result = await runImport(planOf(FILE, allMoved), FILE, parse, steps);
    assert.ok(!result.ok && result.code === 'read-back-failed');
    assert.ok(!steps.calls.includes('settings') && !steps.calls.includes('replace'));
  });

  it('a 1Password reference is read and compared with the file value, never written', async () => {
    const text = `API_KEY=${A}\nOTHER=${B}\n`;
    const good = new FakeSteps({ action: 'delete' });
    const result = await runImport(planOf(text, choose({ API_KEY: { kind: 'op', name: 'API_KEY', reference: 'op://v/i/f' } })), text, parse, good);
    assert.ok(result.ok);
    assert.deepEqual(good.calls, ['read op://v/i/f', 'settings', 'choose', 'delete']);
    const wrong = new FakeSteps();
    const mismatch = await runImport(planOf(text, choose({ OTHER: { kind: 'op', name: 'OTHER', reference: 'op://v/i/f' } })), text, parse, wrong);
    assert.ok(!mismatch.ok && mismatch.code === 'read-back-failed');
    assert.ok(!wrong.calls.includes('replace'));
  });

  describe('creating 1Password items', () => {
    it('a lost answer while creating says the item may exist; a refusal does not; no message points to a log that holds nothing', () => {
      for (const code of ['offline', 'timeout', 'error'] as const) {
        assert.match(onePasswordWriteMessage(code, plainL10n, true), /may have been created anyway/, code);
        assert.doesNotMatch(onePasswordWriteMessage(code, plainL10n, false), /may have been created/, code);
      }
      assert.doesNotMatch(onePasswordWriteMessage('read-only', plainL10n, true), /may have been created/);
      for (const code of ['error', 'invalid-reference', 'offline', 'timeout', 'locked'] as const) assert.doesNotMatch(onePasswordWriteMessage(code, plainL10n, true), /output channel/, code);
    });

    const VAULT = { id: 'vaultid123', title: 'Dev' };
    const text = `API_KEY=${A}\nPORT=8080\nDB_PASSWORD=${B}\n`;
    const create = (name: string, title: string): EntryChoice => ({ kind: 'op-create', name, vault: VAULT, title });
    const noValue = (s: string): void => {
      for (const value of [A, B]) assert.ok(!s.includes(value), `a value leaked: ${s}`);
    };

    it('plans a creation (no source yet), checks the title and refuses a name already defined', () => {
      const plan = planOf(text, choose({ API_KEY: create('API_KEY', 'demo API_KEY') }));
      assert.deepEqual(plan.moves, []);
      assert.equal(plan.creations.length, 1);
      assert.deepEqual({ ...plan.creations[0], value: undefined }, {
        key: 'API_KEY', value: undefined, vault: VAULT, title: 'demo API_KEY', field: 'API_KEY', definition: { name: 'API_KEY', description: 'Imported from .env' },
      });
      const entries = readEnvEntries(text, parse);
      const blank = planImport(entries, choose({ API_KEY: create('API_KEY', '  ') }), '.env');
      assert.ok(!blank.ok && blank.code === 'invalid-item-title');
      const control = planImport(entries, choose({ API_KEY: create('API_KEY', 'a\nb') }), '.env');
      assert.ok(!control.ok && control.code === 'invalid-item-title');
      const taken = planImport(entries, choose({ API_KEY: create('API_KEY', 't') }), '.env', (name) => name === 'API_KEY');
      assert.ok(!taken.ok && taken.code === 'name-taken');
      assert.equal(suggestItemTitle('shop', 'API_KEY'), 'shop API_KEY');
      assert.equal(suggestItemTitle(undefined, 'API_KEY'), 'API_KEY');
    });

    it('creates the item, reads it back as a run would, then defines the credential with the created reference and rewrites the file', async () => {
      const steps = new FakeSteps();
      const result = await runImport(planOf(text, choose({ API_KEY: create('API_KEY', 'demo API_KEY') })), text, parse, steps);
      assert.ok(result.ok, result.ok ? '' : result.message);
      assert.deepEqual(steps.calls, ['create vaultid123 demo API_KEY API_KEY', 'read op://vaultid123/item1/credential', 'settings', 'choose', 'replace']);
      assert.deepEqual(steps.definitions, [{ name: 'API_KEY', description: 'Imported from .env', source: 'op://vaultid123/item1/credential' }]);
      assert.deepEqual(result.value.created, [{ name: 'API_KEY', key: 'API_KEY', vault: 'Dev', title: 'demo API_KEY', reference: 'op://vaultid123/item1/credential' }]);
      assert.equal(steps.fileText, `# API_KEY: moved into Airlock (op://vaultid123/item1/credential)\nPORT=8080\nDB_PASSWORD=${B}\n`);
    });

    it('an SDK refusal changes nothing: no settings, file untouched, the person\'s words (never the value)', async () => {
      const steps = new FakeSteps({ refuseCreate: { nth: 1, message: 'This service account may only read the vault Dev.' } });
      const result = await runImport(planOf(text, choose({ API_KEY: create('API_KEY', 'demo') })), text, parse, steps);
      assert.ok(!result.ok && result.code === 'create-failed');
      assert.deepEqual(steps.calls, ['create vaultid123 demo API_KEY']);
      assert.equal(steps.fileText, undefined);
      assert.match(result.message, /Could not create a 1Password item for API_KEY in vault Dev: This service account may only read the vault Dev\. Nothing was stored\. The file was not changed\./);
      assert.ok('state' in result);
      assert.deepEqual(result.state, { stored: [], referenced: [], created: [] });
      noValue(result.message);
    });

    it('a created item that reads back a different value stops before settings and the file, and names the item', async () => {
      const steps = new FakeSteps({ corruptCreated: true });
      const result = await runImport(planOf(text, choose({ API_KEY: create('API_KEY', 'demo') })), text, parse, steps);
      assert.ok(!result.ok && result.code === 'read-back-failed');
      assert.ok(!steps.calls.includes('settings') && steps.fileText === undefined);
      assert.match(result.message, /The 1Password item created for API_KEY \(op:\/\/vaultid123\/item1\/credential\) reads back a different value/);
      assert.match(result.message, /Already created in 1Password .*API_KEY in vault Dev as op:\/\/vaultid123\/item1\/credential/);
      assert.ok('state' in result);
      assert.deepEqual(result.state.created.map((item) => item.reference), ['op://vaultid123/item1/credential']);
      noValue(result.message);
    });

    it('two entries, the second refused: the file is untouched and the report names what was created (and stored) where', async () => {
      const steps = new FakeSteps({ refuseCreate: { nth: 2, message: '1Password is rate-limiting requests.' } });
      const plan = planOf(text, choose({ API_KEY: create('API_KEY', 'demo API_KEY'), PORT: { kind: 'secret', name: 'PORT' }, DB_PASSWORD: create('DB_PASSWORD', 'demo DB_PASSWORD') }));
      const result = await runImport(plan, text, parse, steps);
      assert.ok(!result.ok && result.code === 'create-failed');
      // SecretStorage and existing references first, creations last: a refusal there writes nothing to 1Password.
      assert.deepEqual(steps.calls, [
        'store PORT', 'read secret:PORT', 'create vaultid123 demo API_KEY API_KEY', 'read op://vaultid123/item1/credential', 'create vaultid123 demo DB_PASSWORD DB_PASSWORD',
      ]);
      assert.equal(steps.fileText, undefined);
      assert.equal(steps.definitions, undefined);
      assert.match(result.message, /Could not create a 1Password item for DB_PASSWORD in vault Dev: 1Password is rate-limiting requests\./);
      assert.match(result.message, /Already stored in SecretStorage: PORT\./);
      assert.match(result.message, /Already created in 1Password .*: API_KEY in vault Dev as op:\/\/vaultid123\/item1\/credential\. The file was not changed\./);
      assert.ok('state' in result);
      assert.deepEqual(result.state, { stored: ['PORT'], referenced: [], created: [{ name: 'API_KEY', key: 'API_KEY', vault: 'Dev', title: 'demo API_KEY', reference: 'op://vaultid123/item1/credential' }] });
      noValue(result.message);
    });

    it('a refusal elsewhere (an existing reference holding another value) stops before any item is created', async () => {
      const steps = new FakeSteps();
      const plan = planOf(text, choose({ API_KEY: create('API_KEY', 'demo'), DB_PASSWORD: { kind: 'op', name: 'DB_PASSWORD', reference: 'op://v/i/f' } }));
      const result = await runImport(plan, text, parse, steps);
      assert.ok(!result.ok && result.code === 'read-back-failed');
      assert.deepEqual(steps.calls, ['read op://v/i/f']);
    });

    it('settings that cannot be written after items were created: reported with the items, file untouched', async () => {
      const steps = new FakeSteps({ failSettings: true });
      const result = await runImport(planOf(text, choose({ API_KEY: create('API_KEY', 'demo') })), text, parse, steps);
      assert.ok(!result.ok && result.code === 'settings-failed');
      assert.equal(steps.fileText, undefined);
      assert.match(result.message, /op:\/\/vaultid123\/item1\/credential/);
    });

    it('an adapter answering something that is not an op:// reference is refused, not written to settings', async () => {
      const steps = new FakeSteps();
      steps.createItem = () => Promise.resolve(ok('secret:API_KEY'));
      const result = await runImport(planOf(text, choose({ API_KEY: create('API_KEY', 'demo') })), text, parse, steps);
      assert.ok(!result.ok && result.code === 'create-failed');
      assert.equal(steps.definitions, undefined);
    });

    it('speaks through the injected L10n', async () => {
      const upper: L10n = { t: (message, ...args) => plainL10n.t(message, ...args).toUpperCase() };
      const steps = new FakeSteps({ refuseCreate: { nth: 1, message: 'refused' } });
      const result = await runImport(planOf(text, choose({ API_KEY: create('API_KEY', 'demo') })), text, parse, steps, upper);
      assert.ok(!result.ok);
      assert.match(result.message, /^COULD NOT CREATE A 1PASSWORD ITEM FOR API_KEY/);
    });
  });

  it('merges definitions into existing user credentials without duplicates, and knows a taken name', () => {
    const existing = [{ name: 'A', source: 'secret:A' }, 'junk'];
    const merged = mergeCredentialDefinitions(existing, [{ name: 'A', description: '', source: 'secret:A' }, { name: 'B', description: 'd', source: 'secret:B' }]);
    assert.deepEqual(merged, [{ name: 'A', source: 'secret:A' }, 'junk', { name: 'B', description: 'd', source: 'secret:B' }]);
    assert.equal(credentialNameTaken(existing, 'A', 'secret:A'), false);
    assert.equal(credentialNameTaken(existing, 'A', 'op://v/i/f'), true);
  });

  it('offers a .gitignore line only when none names the file', () => {
    assert.equal(gitignoreLineFor('node_modules\n', 'app/.env'), '/app/.env');
    assert.equal(gitignoreLineFor('node_modules\n.env\n', 'app/.env'), undefined);
    assert.equal(gitignoreLineFor('.env*\n', '.env.local'), undefined);
    assert.equal(gitignoreLineFor('/app/.env\n', 'app/.env'), undefined);
  });
});

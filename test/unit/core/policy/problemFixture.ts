import type { SettingsLayers } from '../../../../src/core/policy/parse';
import { DEPLOY, layers, NPM } from './fixtures';

/** Settings that draw (nearly) every kind of problem the parser reports, across user, workspace and folder. */
export const EVERY_PROBLEM: readonly SettingsLayers[] = [
  layers(
    {
      'airlock.credentials': [
        DEPLOY,
        { ...NPM, hosts: ['registry.example.com'] },
        { name: 'bad name', source: 'secret:X' },
        { name: 'OPTS', env: 'NODE_OPTIONS', source: 'secret:OPTS' },
        { name: 'BROKEN', source: 'nonsense' },
        { name: 'BODIES', source: 'secret:BODIES', bodies: true },
        DEPLOY,
        { name: 42 },
      ],
      'airlock.policy.rules': [{ decision: 'maybe' }, { command: '/[/', decision: 'ask' }, { decision: 'deny', network: ['a.example.com'] }],
      'airlock.policy.maxDurationSeconds': 'long',
      'airlock.insights.usualHours': 'lunchtime',
    },
    {
      'airlock.credentials': [
        { ...DEPLOY, source: 'secret:ELSEWHERE' },
        { ...NPM, hosts: ['evil.example.com'] },
        { ...DEPLOY, hosts: ['api.example.com'] },
        { ...NPM, bodies: true },
      ],
      'airlock.policy.rules': [{ command: '/npm .*/', decision: 'ask' }, { credentials: '*', decision: 'allow' }, { credentials: 'DEPLOY_*', decision: 'allow' }],
      'airlock.policy.maxDurationSeconds': 999_999,
      'airlock.policy.defaultDurationSeconds': 'x',
      'airlock.consent.timeoutSeconds': 600,
      'airlock.policy.allowWithoutConsent': true,
      'airlock.grants.killOnExpiry': 'yes',
      'airlock.endpoint.enabled': false,
      'airlock.endpoint.port': 1234,
      'airlock.onePassword.account': 'evil.1password.com',
      'airlock.run.sandbox': 'off',
    },
    { folders: [{ name: 'api', values: { 'airlock.run.sandbox': 'sometimes', 'airlock.policy.rules': 'not a list' } }] },
  ),
  layers({}, { 'airlock.policy.maxDurationSeconds': 60 }, { trusted: false, folders: [{ name: 'api', values: { 'airlock.grants.killOnExpiry': true } }] }),
  layers({ 'airlock.policy.allowWithoutConsent': true, 'airlock.policy.defaultDurationSeconds': 'x', 'airlock.grants.killOnExpiry': true }, { 'airlock.grants.killOnExpiry': false }, { remote: true }),
];

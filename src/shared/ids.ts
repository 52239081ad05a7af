/**
 * Every command, setting, view and context-key id in one place. package.json must agree with these;
 * test/unit/manifest.test.ts pins them.
 */
export const EXTENSION_ID = 'airlock-dev.airlock';
export const OUTPUT_CHANNEL_NAME = 'Airlock';

export const Commands = {
  showStatus: 'airlock.showStatus',
} as const;

export const Settings = {
  section: 'airlock',
} as const;

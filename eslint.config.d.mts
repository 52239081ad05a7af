/** Types for the one export the unit tests read (test/unit/scripts/l10nBundle.test.ts). */
export declare const L10N_RULES: readonly { readonly selector: string; readonly message: string }[];
declare const config: unknown;
export default config;

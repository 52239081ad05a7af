/**
 * Set by scripts/build.mjs through esbuild's `define`: `true` only in the test build (`--test-facet`, what
 * the integration and security tiers load), `false` in every other build, which then folds each
 * `AIRLOCK_TEST_FACET && …` branch — and the test facet it would import — out of the bundle.
 * test/unit/scripts/testFacetBundle.test.ts scans the production bundles for the facet's names.
 */
declare const AIRLOCK_TEST_FACET: boolean;

#!/bin/sh
# A `vscodeExecutablePath` for @vscode/test-electron on machines without desktop VS Code: takes the
# arguments test-electron passes to `code` and runs the same tests in code-server + headless Chromium
# (scripts/code-server-shim.ts). Exit code = the test run's exit code.
here=$(cd "$(dirname "$0")" && pwd)
exec node --import "file://$here/../node_modules/tsx/dist/loader.mjs" "$here/code-server-shim.ts" "$@"

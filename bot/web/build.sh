#!/usr/bin/env bash
# Put the widget's one third-party file in place: socket.io-client's prebuilt browser
# bundle, from the npm package pinned in package-lock.json, into static/vendor/.
# Idempotent: installs only when node_modules is missing or older than the lock file,
# copies only when the bundle changed. No bundler, no build step for our own code.
set -euo pipefail
cd "$(dirname "$0")"

bundle=node_modules/socket.io-client/dist/socket.io.min.js
if [[ ! -f $bundle || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

mkdir -p static/vendor
if ! cmp -s "$bundle" static/vendor/socket.io.min.js; then
  cp "$bundle" static/vendor/socket.io.min.js
  echo "widget: copied socket.io-client $(node -p "require('./node_modules/socket.io-client/package.json').version") to bot/web/static/vendor/"
fi

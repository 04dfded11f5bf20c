#!/usr/bin/env bash
# Takes the README's screenshots (docs/dashboard-{1440,390}-{en,fr}.png):
# the dashboard of a first start in each language, in a real headless
# Chromium (internal/web TestDocScreenshots).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs
SCRUTIN_DOC_SCREENSHOTS="$PWD/docs" go test ./internal/web -run '^TestDocScreenshots$' -count=1 -v -timeout 20m | grep -E '^(=== RUN|--- |ok|FAIL|\s+pageweight)' || true
ls -l docs/dashboard-*.png

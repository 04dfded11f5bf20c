#!/usr/bin/env bash
# Measures the weight and the first contentful paint of the web UI's main
# pages in a real headless Chromium (internal/web TestPageWeights): the
# HTML as sent, the page with its assets on a first visit (cache off), and
# the first paint, median of five loads, at 1440 and 390 px. Writes a
# Markdown table to the file given (default: page-weights.md).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-page-weights.md}")
SCRUTIN_PAGE_WEIGHTS="$out" go test ./internal/web -run '^TestPageWeights$' -count=1 -timeout 15m
cat "$out"

#!/usr/bin/env bash
# Lints the GitHub Actions workflows (.github/workflows/*.yml, *.yaml) with
# actionlint; when shellcheck is on PATH, actionlint also checks their `run:`
# scripts with it. actionlint is the toolchain's pinned build
# (${CCAAS_CACHE:-$HOME/.cache/fabric-ccaas}/toolchain/bin/actionlint, built by
# `npm run toolchain -- actionlint`), else the one on PATH.
# Usage: lint-workflows.sh [actionlint flags...]
# Exits 1 when actionlint reports a problem or there is no workflow to lint,
# 2 when actionlint is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

cached=${CCAAS_CACHE:-$HOME/.cache/fabric-ccaas}/toolchain/bin/actionlint
if [ -x "$cached" ]; then
  actionlint=$cached
elif actionlint=$(command -v actionlint); then
  :
else
  echo "lint-workflows: actionlint is neither on PATH nor at $cached; build it with: npm run toolchain -- actionlint" >&2
  exit 2
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ ${#workflows[@]} -eq 0 ]; then
  echo "lint-workflows: no workflow in $PWD/.github/workflows (*.yml, *.yaml): nothing to lint" >&2
  exit 1
fi

if command -v shellcheck >/dev/null; then
  scripts="run: scripts with $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"
else
  scripts="run: scripts unchecked (no shellcheck on PATH)"
fi
echo "lint-workflows: actionlint $("$actionlint" -version | head -n 1) ($actionlint), ${#workflows[@]} workflow(s), $scripts"
exec "$actionlint" "$@" "${workflows[@]}"

#!/usr/bin/env bash
# The project's test command (`npm test`): type check (includes the type tests), layering check, then every
# test file under test/ with Node's test runner (TypeScript through tsx).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"; npx tsc --noEmit -p tsconfig.json
echo "== layers"; npx depcruise src --config .dependency-cruiser.cjs
echo "== tests"
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --test --test-concurrency=2 "${files[@]}"

#!/usr/bin/env bash
# Builds the explorer (/) and GraphiQL (/graphql) into api/static/, which ships inside the Python
# package: `make run` needs no Node. Run after changing anything under web/ (needs Node >= 18 and
# the npm registry): bash web/build.sh
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
node examples.mjs
# Built into a fresh folder first, so that a failed build leaves api/static as it was.
OUT="$(mktemp -d "${TMPDIR:-/tmp}/kb-web.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT
common=(--bundle --minify --legal-comments=external --target=es2020 --outdir="$OUT"
  --loader:.woff2=file --loader:.woff=file --asset-names=fonts/[name] --public-path=/static
  --define:process.env.NODE_ENV='"production"' --log-level=warning)
npx esbuild src/graphiql.tsx "${common[@]}"
npx esbuild src/explorer.ts "${common[@]}"
cp src/index.html src/graphiql.html "$OUT/"
cp node_modules/@fontsource/sarabun/LICENSE "$OUT/fonts/LICENSE-Sarabun-OFL.txt"
rm -rf ../api/static
cp -r "$OUT" ../api/static
chmod -R u=rwX,go=rX ../api/static
# What the pages load (KB): the fonts are only those the CSS names.
(cd ../api/static && du -k ./*.js ./*.css fonts/* | sort -k2)
# The accessibility checker the browser tests inject into the pages (tests/test_web.py); kept in
# the repository so that the tests need no Node either.
mkdir -p ../tests/assets
cp node_modules/axe-core/axe.min.js ../tests/assets/axe.min.js

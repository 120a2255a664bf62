#!/usr/bin/env bash
# The front-end files the project vendors, fetched from the npm registry at pinned versions
# (DESIGN §7a: never loaded from another site). For maintainers; `make test` does not run it.
#
#   scripts/vendor-web.sh           fetch each package with `npm pack`, check every file
#                                   against its pinned sha256, copy it into place
#   scripts/vendor-web.sh --check   only check the committed copies against the pins (offline)
#   scripts/vendor-web.sh --repin   to move to another version: change VERSION below, run this;
#                                   it fetches, copies and prints the new sha256 lines to put
#                                   in FILES below and in the README beside each file
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

declare -A VERSION=(
  [axe-core]=4.14.1  # tests/browser: accessibility checks injected into pages under test
  [htmx.org]=2.0.11  # gateway/gateway/web/static/vendor: progressive enhancement of the pages
  [pell]=1.0.6       # gateway/gateway/web/static/vendor: the workspace's rich-text editor (articles' body)
)

# package  file-in-the-tarball  destination  sha256-of-the-file
FILES=(
  "axe-core package/axe.min.js tests/browser/vendor/axe.min.js 29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
  "axe-core package/LICENSE tests/browser/vendor/axe.LICENSE af175b9d96ee93c21a036152e1b905b0b95304d4ae8c2c921c7609100ba8df7e"
  "axe-core package/LICENSE-3RD-PARTY.txt tests/browser/vendor/axe.LICENSE-3RD-PARTY.txt 4f8563870d0fca38bbc3e00b6f670cb7fa9f380ba9f26a7f7d1184a6b18b1653"
  "htmx.org package/dist/htmx.min.js gateway/gateway/web/static/vendor/htmx.min.js d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"
  "htmx.org package/LICENSE gateway/gateway/web/static/vendor/htmx.LICENSE d3d2456f76414f2456104660ebd65aff1c04cd7966b942bdabd63f3cdb316a38"
  "pell package/dist/pell.min.js gateway/gateway/web/static/vendor/pell.min.js e0c3c7785db014330cf6bcf04eccf943cc1fbde39366dee6b4f99778e9619a7d"
  "pell package/LICENSE.md gateway/gateway/web/static/vendor/pell.LICENSE 1da3cf6ee94e040c197990f22923e3a9918dee6bdc9e54bd435c2a3ef8f2a4fb"
)

mode=fetch
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  --repin) mode=repin ;;
  *) die "usage: scripts/vendor-web.sh [--check | --repin]" ;;
esac

sha() { sha256sum "$1" | cut -d' ' -f1; }

if [ "$mode" = check ]; then
  bad=0
  for line in "${FILES[@]}"; do
    read -r package _ dest want <<<"$line"
    if [ ! -f "$dest" ]; then
      warn "$dest is missing ($package ${VERSION[$package]})"
      bad=1
    elif [ "$(sha "$dest")" != "$want" ]; then
      warn "$dest differs from $package ${VERSION[$package]} (sha256 $(sha "$dest"), pinned $want)"
      bad=1
    fi
  done
  [ "$bad" = 0 ] || die "vendored files differ from their pins; run scripts/vendor-web.sh to restore them"
  say "Every vendored file matches its pinned sha256"
  exit 0
fi

command -v npm >/dev/null 2>&1 || die "npm is needed to fetch the packages (Debian: apt-get install npm)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for package in "${!VERSION[@]}"; do
  spec="$package@${VERSION[$package]}"
  say "Fetching $spec"
  # npm checks the tarball against the registry's integrity hash; no install scripts run.
  tarball=$(cd "$tmp" && npm pack --silent --ignore-scripts "$spec" | tail -1)
  mkdir -p "$tmp/$package"
  tar -xzf "$tmp/$tarball" -C "$tmp/$package"
done

for line in "${FILES[@]}"; do
  read -r package inner _ want <<<"$line"
  src="$tmp/$package/$inner"
  [ -f "$src" ] || die "$package ${VERSION[$package]} has no $inner"
  got=$(sha "$src")
  if [ "$mode" = repin ]; then
    printf '  "%s %s %s %s"\n' "$package" "$inner" "$(cut -d' ' -f3 <<<"$line")" "$got"
  elif [ "$got" != "$want" ]; then
    die "$package ${VERSION[$package]}: $inner has sha256 $got, pinned $want; nothing was copied"
  fi
done
for line in "${FILES[@]}"; do
  read -r package inner dest _ <<<"$line"
  mkdir -p "$(dirname "$dest")"
  cp "$tmp/$package/$inner" "$dest"
done
if [ "$mode" = repin ]; then
  say "Copied; put the lines above in FILES and their sha256s in the READMEs beside the files"
else
  say "Every vendored file is in place and matches its pinned sha256"
fi

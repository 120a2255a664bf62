#!/usr/bin/env bash
# Make sure the browser tests (tests/browser) have Debian's headless Chromium and its
# WebDriver: /usr/bin/chromium and /usr/bin/chromedriver; and poppler-utils (pdftoppm,
# pdftotext), with which the tests open the PDFs the workspace hands out as a person would. Installs the `chromium` and
# `chromium-driver` packages with apt-get when either is missing (first from the package
# lists already on the machine, then after `apt-get update`), as root or through sudo.
# Nothing else may fetch a browser: the tests never run Selenium Manager or a
# browser download of any kind.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver
PACKAGES=(chromium chromium-driver poppler-utils)

present() { [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ] && command -v pdftoppm >/dev/null 2>&1; }

# as_root COMMAND...: run as root, through `sudo -n` when we are not (never asks for a password).
as_root() {
  if is_root; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    return 1
  fi
}

can_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  is_root || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
}

install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${PACKAGES[@]}" >/dev/null 2>&1
}

if ! present; then
  can_install || die "The browser tests need $CHROMIUM and $CHROMEDRIVER (Debian's chromium and chromium-driver),
   and they cannot be installed here (apt-get needs root or password-less sudo).
   Debian: sudo apt-get install ${PACKAGES[*]}
   Ubuntu and others: install Chromium and a chromedriver of the same version at those paths.
   Nothing downloads a browser for you."
  say "Installing ${PACKAGES[*]} with apt-get"
  if ! install; then
    say "Updating the package lists and trying again"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 ||
      warn "apt-get update failed; trying the install anyway"
    install || die "apt-get could not install ${PACKAGES[*]}; run it by hand to see why:
   sudo apt-get update && sudo apt-get install ${PACKAGES[*]}"
  fi
  present || die "apt-get installed ${PACKAGES[*]}, but $CHROMIUM, $CHROMEDRIVER or pdftoppm is still missing"
fi

# The driver must speak to this browser: Debian ships the two at the same version.
browser_version=$("$CHROMIUM" --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+)+' | head -1 || true)
driver_version=$("$CHROMEDRIVER" --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+)+' | head -1 || true)
[ -n "$browser_version" ] || die "$CHROMIUM does not start (chromium --version failed)"
[ "${browser_version%%.*}" = "${driver_version%%.*}" ] ||
  warn "chromium $browser_version and chromedriver ${driver_version:-?} differ; upgrade both: apt-get install ${PACKAGES[*]}"
say "Chromium $browser_version, its chromedriver and pdftoppm are installed"

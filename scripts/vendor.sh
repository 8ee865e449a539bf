#!/usr/bin/env bash
# Fetches the pinned front-end packages from the npm registry and copies the files the portal serves
# into static/vendor/. The result is committed: the portal needs no npm at run time.
# Update a package: change its version below and run `bash scripts/vendor.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch NAME@VERSION FILE_IN_PACKAGE [FILE_IN_PACKAGE ...]
  local spec=$1; shift
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  local tarball
  tarball=$(ls "$work"/*.tgz)
  mkdir -p "$work/x" && tar -xzf "$tarball" -C "$work/x"
  for file in "$@"; do
    # Source maps are not vendored: drop the references so the static manifest does not look for them.
    sed -E '/sourceMappingURL=/d' "$work/x/package/$file" > "$dest/$(basename "$file")"
  done
  echo "$spec" >> "$dest/VERSIONS"
  rm -rf "$work/x" "$tarball"
}

mkdir -p "$dest"
: > "$dest/VERSIONS"
fetch bootstrap@5.3.9 dist/css/bootstrap.min.css dist/js/bootstrap.bundle.min.js
fetch htmx.org@2.0.11 dist/htmx.min.js
fetch chart.js@4.6.1 dist/chart.umd.min.js
fetch sortablejs@1.15.7 Sortable.min.js
fetch axe-core@4.14.1 axe.min.js
fetch tom-select@2.6.2 dist/js/tom-select.complete.min.js dist/css/tom-select.bootstrap5.min.css

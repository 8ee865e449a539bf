#!/usr/bin/env bash
# The `calendar`-marked tests on the days that break date code, each in UTC and in Europe/Paris:
# the last day of a month and of the year late in the evening, 1 January and the 1st of a month just
# after midnight, the end of February, 29 February 2028, Mondays, and both Sundays the clocks change.
# `--today` starts the one clock at that wall-clock time of TIME_ZONE (see projects/clock.py).
set -euo pipefail
cd "$(dirname "$0")/.."
DAYS=(
  2026-12-31T23:30  # last day of a month and of the year, half an hour before midnight
  2027-01-01T00:30  # 1 January, the 1st of a month: in Paris, still 31 December in UTC
  2027-02-28        # last day of a short month
  2028-02-29        # leap day
  2027-03-01T00:30  # the 1st after a short month, and a Monday
  2027-02-08        # a Monday in mid-month
  2027-03-28T12:00  # Sunday, clocks go forward in Europe
  2026-10-25T12:00  # Sunday, clocks go back in Europe
)
ZONES=(UTC Europe/Paris)
for argument in "$@"; do
  case $argument in
    --today*|-m|-m*) echo "test-calendar chooses the days and the marker itself: drop $argument" >&2; exit 2 ;;
  esac
done
failed=()
for zone in "${ZONES[@]}"; do
  for day in "${DAYS[@]}"; do
    echo "== calendar tests on ${day} in ${zone}"
    if ! TIME_ZONE="$zone" .venv/bin/pytest -m calendar --today="$day" --reuse-db -q "$@"; then
      failed+=("${day} ${zone}")
    fi
  done
done
if ((${#failed[@]})); then
  printf 'calendar tests failed on: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "calendar tests passed on ${#DAYS[@]} days in ${#ZONES[@]} time zones"

#!/usr/bin/env bash
# Wall time and peak memory of the OpenFisca peer on population folders:  ./timing.sh DIR [DIR ...]
# (run ./setup.sh first). Each run writes its totals to /tmp/openfisca-<dir>.json.
set -euo pipefail
cd "$(dirname "$0")"
for dir in "$@"; do
    log=$(mktemp)
    /usr/bin/time -v .venv/bin/python run.py "$dir" --out "/tmp/openfisca-$(basename "$dir").json" 2>"$log"
    grep -E "^openfisca:" "$log"
    grep -E "Elapsed \(wall clock\)|Maximum resident set size" "$log" | sed 's/^\s*/    /'
    rm -f "$log"
done

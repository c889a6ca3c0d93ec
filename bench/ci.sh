#!/usr/bin/env bash
# ci.sh: what CI runs in bench/: every router must answer every route
# correctly, and every benchmark must run (once each: the figures come
# from run.sh).
set -euo pipefail
cd "$(dirname "$0")"
go vet ./...
go test -count=1 -run . -bench . -benchtime 1x ./...

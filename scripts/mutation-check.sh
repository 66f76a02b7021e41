#!/usr/bin/env bash
# The mutation check: proves that the tests fail when the code is wrong.
#
# Applies each mutant of scripts/mutants.txt, one at a time, to a scratch
# clone of the current commit, rebuilds, and runs the mutant's test filter.
# A mutant is *killed* when that run fails (a test fails, or the run times
# out); it *survives* when the tests still pass. Every listed mutant must be
# killed: the script exits 1 if any survives, and 2 if the list is stale
# (a mutant's original text is no longer found exactly once, a mutant does
# not compile, or a filter selects no test or fails on unmutated code).
#
#   scripts/mutation-check.sh                 # every mutant
#   scripts/mutation-check.sh fused-abs-identity sgemm-row-tail   # some, by id
#   scripts/mutation-check.sh --list          # the ids and what each breaks
#
# Environment:
#   MUTATION_SCRATCH  the scratch clone (default .build-mutation/clone); it is
#                     kept between runs so that rebuilds are incremental
#   MUTATION_TIMEOUT  seconds allowed for one filtered test run (default 900)
#
# Builds are release builds without whole-module optimization
# (-no-whole-module-optimization): numeric tests run at optimized speed,
# yet a mutant recompiles only the file it changes, not its whole module.
# Docs/testing.md records the kill rate and the time a full run takes.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
list="$root/scripts/mutants.txt"
scratch="${MUTATION_SCRATCH:-$root/.build-mutation/clone}"
timeout_s="${MUTATION_TIMEOUT:-900}"
swift_flags=(-c release -Xswiftc -no-whole-module-optimization)

# MARK: - Reading the list

# Prints the mutants as records of six fields separated by the unit
# separator (0x1f): id, file, find, replace, filter, why. Fields in the file
# are `key: value` lines; records are separated by blank lines; `#` starts
# a comment line. `find` and `replace` may use `\n` for a line break and
# `\t` for a tab.
records() {
  python3 - "$list" <<'PY'
import sys
keys = ["id", "file", "find", "replace", "filter", "why"]
rec, out, line_no = {}, [], 0
def flush():
    global rec
    if not rec:
        return
    missing = [k for k in keys if k not in rec]
    if missing:
        sys.exit(f"mutants.txt: the mutant ending at line {line_no} lacks {', '.join(missing)}")
    out.append("\x1f".join(rec[k] for k in keys))
    rec = {}
for line_no, raw in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    line = raw.rstrip("\n")
    if line.startswith("#"):
        continue
    if not line.strip():
        flush()
        continue
    key, sep, value = line.partition(":")
    if not sep or key not in keys:
        sys.exit(f"mutants.txt:{line_no}: expected one of {', '.join(keys)} followed by ': '")
    value = value[1:] if value.startswith(" ") else value
    if key in rec:
        sys.exit(f"mutants.txt:{line_no}: '{key}' given twice in one mutant")
    rec[key] = value
flush()
ids = [r.split("\x1f")[0] for r in out]
dups = {i for i in ids if ids.count(i) > 1}
if dups:
    sys.exit(f"mutants.txt: duplicate ids {sorted(dups)}")
print("\n".join(out))
PY
}

# Replaces the one occurrence of FIND by REPLACE in FILE (both with \n and
# \t escapes); exits 3 if FIND does not occur exactly once.
apply_mutant() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
path, find, replace = sys.argv[1:]
unescape = lambda s: s.replace("\\n", "\n").replace("\\t", "\t")
find, replace = unescape(find), unescape(replace)
text = open(path, encoding="utf-8").read()
n = text.count(find)
if n != 1:
    print(f"the original text occurs {n} times in {path}, not once", file=sys.stderr)
    sys.exit(3)
open(path, "w", encoding="utf-8").write(text.replace(find, replace))
PY
}

if [ "${1:-}" = "--list" ]; then
  records | while IFS=$'\x1f' read -r id file _ _ filter why; do
    printf '%-34s %s\n    %s  [%s]\n' "$id" "$why" "$file" "$filter"
  done
  exit 0
fi

selected=("$@")
mapfile -t all < <(records)
mutants=()
for r in "${all[@]}"; do
  id="${r%%$'\x1f'*}"
  if [ ${#selected[@]} -eq 0 ] || printf '%s\n' "${selected[@]}" | grep -qx -- "$id"; then
    mutants+=("$r")
  fi
done
[ ${#mutants[@]} -gt 0 ] || { echo "no mutant matches: ${selected[*]}" >&2; exit 2; }

# MARK: - The scratch clone

commit="$(git -C "$root" rev-parse HEAD)"
if [ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]; then
  echo "note: uncommitted changes are not in the scratch clone; it checks out $commit" >&2
fi
if [ ! -d "$scratch/.git" ]; then
  mkdir -p "$(dirname "$scratch")"
  git clone -q --no-checkout "$root" "$scratch"
fi
git -C "$scratch" fetch -q "$root" "$commit"
git -C "$scratch" checkout -q --force --detach "$commit"
git -C "$scratch" clean -q -fdx -e .build

cd "$scratch"
log_dir="$scratch/.build/mutation-logs"
mkdir -p "$log_dir"

build() { swift build --build-tests "${swift_flags[@]}" >"$1" 2>&1; }
# Runs the filter; prints the number of tests that ran, or fails.
run_filter() {
  timeout "$timeout_s" swift test --skip-build "${swift_flags[@]}" --filter "$1" >"$2" 2>&1
}
# Tests a run reports: XCTest's "Executed N tests" and Swift Testing's
# "Test run with N tests" lines, added up.
tests_run() {
  { grep -Eo 'Executed [0-9]+ tests?' "$1" | grep -Eo '[0-9]+' | tail -1
    grep -Eo 'Test run with [0-9]+ tests?' "$1" | grep -Eo '[0-9]+' | tail -1; } |
    awk '{ s += $1 } END { print s + 0 }'
}

start=$(date +%s)
echo "mutation check of $commit: ${#mutants[@]} mutants, scratch clone $scratch"
echo "building the unmutated code..."
build "$log_dir/baseline-build.log" || { echo "the unmutated code does not build: $log_dir/baseline-build.log" >&2; exit 2; }

# Every filter must pass, and select at least one test, on unmutated code:
# otherwise a "killed" mutant would prove nothing.
declare -A baseline_ok=()
for r in "${mutants[@]}"; do
  IFS=$'\x1f' read -r id _ _ _ filter _ <<<"$r"
  [ -n "${baseline_ok[$filter]:-}" ] && continue
  log="$log_dir/baseline-$id.log"
  if ! run_filter "$filter" "$log"; then
    echo "STALE: filter '$filter' (first used by $id) fails on unmutated code: $log" >&2
    exit 2
  fi
  n=$(tests_run "$log")
  if [ "$n" -eq 0 ]; then
    echo "STALE: filter '$filter' (first used by $id) selects no test" >&2
    exit 2
  fi
  baseline_ok[$filter]=$n
done
echo "baseline: ${#baseline_ok[@]} filters pass on unmutated code ($(( $(date +%s) - start )) s)"
echo

killed=0 survived=0 stale=0
survivors=()
printf '%-34s %-9s %6s  %s\n' "mutant" "result" "secs" "detail"
for r in "${mutants[@]}"; do
  IFS=$'\x1f' read -r id file find replace filter why <<<"$r"
  t0=$(date +%s)
  result="" detail=""
  if ! apply_mutant "$file" "$find" "$replace" 2>"$log_dir/$id-apply.log"; then
    result="STALE" detail="$(cat "$log_dir/$id-apply.log")"
  elif ! build "$log_dir/$id-build.log"; then
    result="STALE" detail="does not compile: $log_dir/$id-build.log"
  else
    set +e
    run_filter "$filter" "$log_dir/$id-test.log"
    status=$?
    set -e
    if [ $status -eq 124 ]; then
      result="killed" detail="timed out after ${timeout_s} s"
    elif [ $status -ne 0 ]; then
      failing=$(grep -Eo '(Test|Suite) [A-Za-z0-9_.()]+ (recorded an issue|failed)' "$log_dir/$id-test.log" | head -1)
      result="killed" detail="${failing:-tests failed}"
    else
      result="SURVIVED" detail="$filter still passes: $why"
    fi
  fi
  git checkout -q -- "$file"
  case "$result" in
    killed) killed=$((killed + 1)) ;;
    SURVIVED) survived=$((survived + 1)); survivors+=("$id") ;;
    STALE) stale=$((stale + 1)) ;;
  esac
  printf '%-34s %-9s %6d  %s\n' "$id" "$result" "$(( $(date +%s) - t0 ))" "$detail"
done
# Leave the clone as it was checked out, and built unmutated next time.
git checkout -q --force "$commit"

total=${#mutants[@]}
elapsed=$(( $(date +%s) - start ))
echo
echo "$killed of $total mutants killed ($(( 100 * killed / total ))%), $survived survived, $stale stale, in $((elapsed / 60)) min $((elapsed % 60)) s"
[ $survived -eq 0 ] || { echo "survivors: ${survivors[*]}"; exit 1; }
[ $stale -eq 0 ] || exit 2

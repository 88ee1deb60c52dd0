#!/usr/bin/env bash
# npm run test:slurm: a sweep on a real Slurm, as a user would run it.
#
# Starts a single-node Slurm cluster on 127.0.0.1 (munged, slurmctld, slurmd) with its
# configuration and state in a temporary folder, emits the Slurm script of a small sweep from
# another directory, submits it (`bash <script>`: the shards as an array job, then the merge job
# that depends on them), waits, and compares the merged folder byte for byte with the same sweep
# run on this machine from the TypeScript sources (so it also checks that a dist/ build records
# the same source hash). Stops the daemons it started, by PID, and removes the folder.
#
# Installs Debian's slurm-wlm and munge when they are missing and this runs as root with apt-get;
# skips (exit 0, a SKIP line) only when they cannot be installed. Ends with one PASS or FAIL line;
# exits 1 on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
EXPERIMENT="$ROOT/test/experiments/sweep/fixtures/tiny-grid.yaml"
SHARDS=3
TIMEOUT_S=${KUBESIM_SLURM_TIMEOUT_S:-240}

fail() {
  echo "test:slurm: FAIL: $*"
  exit 1
}

# 1. Slurm and munge, installed if missing.
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "test:slurm: SKIP: slurm-wlm and munge are not installed, and installing them needs root and apt-get (Debian/Ubuntu)"
    exit 0
  fi
  echo "test:slurm: installing slurm-wlm and munge (apt-get)"
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge) >/tmp/kubesim-slurm-apt.log 2>&1; then
    tail -5 /tmp/kubesim-slurm-apt.log
    echo "test:slurm: SKIP: apt-get could not install slurm-wlm and munge (log: /tmp/kubesim-slurm-apt.log)"
    exit 0
  fi
fi

T=$(mktemp -d /tmp/kubesim-slurm-XXXXXX)
chmod 700 "$T"
PIDS=()
cleanup() {
  local status=$?
  # Jobs first (a failed or timed-out run may leave some), while slurmd can still stop their steps.
  if [ -n "${SLURM_CONF:-}" ] && [ -n "$(squeue -h -o %i 2>/dev/null)" ]; then
    scancel --full --user="$(id -un)" 2>/dev/null || true
    for _ in $(seq 50); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$status" != 0 ]; then
    for log in "$T"/*.log "$T"/submit/*.log; do
      [ -f "$log" ] && { echo "--- $log"; tail -20 "$log"; }
    done
  fi
  rm -rf "$T"
}
trap cleanup EXIT

# 2. A single-node cluster in $T. Ports off Slurm's defaults, so a real Slurm here is not disturbed.
mkdir -p "$T/state" "$T/spool" "$T/submit"
dd if=/dev/urandom of="$T/munge.key" bs=1024 count=1 status=none
chmod 400 "$T/munge.key"
# --force: munged refuses root otherwise; the key and socket are in our own 0700 folder.
munged --foreground --force --key-file="$T/munge.key" --socket="$T/munge.socket" --pid-file="$T/munged.pid" \
  --log-file="$T/munged.log" --seed-file="$T/munge.seed" >"$T/munged.out" 2>&1 &
PIDS+=($!)
HOST=$(hostname -s)
PORT=$((20000 + $$ % 20000))
export SLURM_CONF="$T/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=kubesim-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=$(id -un)
AuthType=auth/munge
AuthInfo=socket=$T/munge.socket
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=kubesim-node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
for _ in $(seq 50); do [ -S "$T/munge.socket" ] && break; sleep 0.1; done
[ -S "$T/munge.socket" ] || fail "munged did not start"
slurmctld -D -i -f "$SLURM_CONF" >"$T/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -N kubesim-node -f "$SLURM_CONF" >"$T/slurmd.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 120); do
  state=$(sinfo -h -n kubesim-node -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "${state:-}" = idle ] || fail "the node did not become idle (sinfo: ${state:-no answer})"
echo "test:slurm: single-node Slurm up ($(sinfo --version), $(nproc) CPUs, state in $T)"

# 3. The project as compute nodes run it: dist/, built from these sources.
source_hash=$(node --import tsx --input-type=module -e 'const m = await import("./experiments/version.ts"); console.log(m.computeSourceHash("."))')
if [ ! -f dist/experiments/cli.js ] || [ "$(cat dist/source-sha256 2>/dev/null)" != "$source_hash" ]; then
  echo "test:slurm: building dist/ (npm run build)"
  npm run build --silent
fi

# 4. Emit from another directory, submit, wait for the shards and the merge.
cd "$T/submit"
node "$ROOT/dist/experiments/cli.js" sweep "$EXPERIMENT" --emit slurm --shards "$SHARDS" --out "$T/results"
submitted=$(bash tiny-grid.slurm.sh)
echo "test:slurm: $submitted"
jobs=$(sed -n 's/^submitted shards as job \([0-9]*\) and their merge as job \([0-9]*\) .*/\1,\2/p' <<<"$submitted")
[ -n "$jobs" ] || fail "could not read the job ids from: $submitted"
deadline=$((SECONDS + TIMEOUT_S))
while [ -n "$(squeue -h -j "$jobs" -o %i 2>/dev/null)" ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    squeue -j "$jobs" -o "%i %T %r" || true
    fail "the jobs did not finish within ${TIMEOUT_S} s"
  fi
  sleep 2
done
cd "$ROOT"
[ -f "$T/results/merged/sweep-summary.csv" ] || fail "no merged sweep-summary.csv (the shards or the merge job failed; logs below)"
for i in $(seq 0 $((SHARDS - 1))); do [ -f "$T/results/shard-$i/sweep.json" ] || fail "no folder for shard $i"; done

# 5. The same sweep on this machine, from the TypeScript sources: the same bytes.
node --import tsx experiments/cli.ts sweep "$EXPERIMENT" --out "$T/single" --workers 2 --quiet
if ! diff -r "$T/single" "$T/results/merged" >"$T/diff.log" 2>&1; then
  head -20 "$T/diff.log"
  fail "the merged Slurm sweep differs from the single-machine sweep"
fi
files=$(find "$T/single" -type f | wc -l)
echo "test:slurm: PASS: $SHARDS shards on Slurm, merged by a dependent job, byte-identical to the single-machine sweep ($files files)"

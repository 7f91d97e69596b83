#!/usr/bin/env bash
# Installs what Amber needs on Debian 12, only when something is missing. Sourced or run by
# scripts/demo.sh and scripts/test.sh; safe to run again.
#   deps.sh            everything (recorder, analyser, tests, containers for the demo)
#   deps.sh analyzer   the analyst's side only: no libbpf, clang for BPF or bpftool
set -euo pipefail

analyzer=(cmake g++ make pkg-config capnproto libcapnp-dev liblz4-dev libsodium-dev zlib1g-dev
          libsqlite3-dev sqlite3 libboost-program-options-dev libgtest-dev nlohmann-json3-dev)
recorder=(clang llvm python3 libc6-dev libbpf-dev bpftool libelf-dev runc busybox-static iproute2 e2fsprogs
          libclang-rt-14-dev
          libcap2-bin gcc)  # live fixtures: setcap, a C compiler (script and su are essential)

want=("${analyzer[@]}")
[[ "${1:-all}" == analyzer ]] || want+=("${recorder[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "amber: missing packages: ${missing[*]}; run as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 77
  fi
  echo "amber: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

#!/bin/sh
# The whole test suite, as README.md and .ci/run run it. Installs what the
# tests compare against (the real brctl, ping, tmux, strace; Graphviz's dot renders
# nsh graph's pictures; net-tools and iptables for replay's tutorials), then vets, runs every
# test (privileged ones in throwaway namespaces) and a short fuzz run.
set -eu
cd "$(dirname "$0")"
if [ "$(id -u)" = 0 ]; then
	need=""
	command -v brctl >/dev/null 2>&1 || need="$need bridge-utils"
	command -v ping >/dev/null 2>&1 || need="$need iputils-ping"
	command -v tmux >/dev/null 2>&1 || need="$need tmux"
	command -v strace >/dev/null 2>&1 || need="$need strace"
	command -v sysctl >/dev/null 2>&1 || need="$need procps"
	command -v dot >/dev/null 2>&1 || need="$need graphviz"
	# replay runs a tutorial's net-tools and iptables lines in a sandbox.
	command -v ifconfig >/dev/null 2>&1 || need="$need net-tools"
	command -v iptables >/dev/null 2>&1 || need="$need iptables"
	if [ -n "$need" ]; then
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
	fi
fi
export PATH="$PATH:/usr/local/go/bin"
go mod download
test -z "$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
go vet ./...
go test -count=1 ./...
go test -count=1 -run='^$' -fuzz=FuzzParse -fuzztime=15s ./lang/

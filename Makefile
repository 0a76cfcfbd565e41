# pnmarket: the two commands that matter are `make run` and `make test`.
GO ?= go
# Fuzz budgets are counts, not durations: with a duration, Go 1.26's fuzz
# coordinator can fail a target with "context deadline exceeded" when the
# deadline lands while a worker is mid-call (golang/go#75804, fixed in 1.27).
FUZZTIME ?= 20000x
FUZZMINIMIZETIME ?= 1000x

.PHONY: run test test-short fuzz-smoke vet build generate check-generate bench-smoke

## run: a complete local provider with embedded defaults (same as `go run ./cmd/pnode dev`)
run:
	$(GO) run ./cmd/pnode dev

## test: every test with the race detector, the memory tests the race detector
## distorts without it, then each fuzz target for $(FUZZTIME) executions
test: vet
	$(GO) test -race -timeout 20m ./...
	$(GO) test -count=1 -run 'TestIdleSessionStack' ./server/
	$(MAKE) fuzz-smoke

## test-short: the unit tests without process-level and benchmark smoke tests
test-short:
	$(GO) test -short ./...

vet:
	$(GO) vet ./...

## build: release binaries into bin/, built as the container image builds them (no cgo)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/ ./cmd/...

## fuzz-smoke: run every Fuzz target briefly (CI); go test -fuzz takes one target at a time
fuzz-smoke:
	@set -e; n=0; for pkg in $$($(GO) list ./...); do \
	  dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
	  for t in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/func //'); do \
	    echo "fuzz $$pkg $$t ($(FUZZTIME))"; \
	    log=$$(mktemp); \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$pkg > $$log 2>&1 || { cat $$log; rm -f $$log; echo "fuzz: $$n passed, 1 failed"; exit 1; }; \
	    rm -f $$log; n=$$((n+1)); \
	  done; \
	done; echo "fuzz: $$n passed, 0 failed"

## generate: regenerate checked-in generated code
generate:
	$(GO) generate ./...

## check-generate: fail if generated code is stale
check-generate: generate
	git diff --exit-code

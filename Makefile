# The two commands of the README: `make demo` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
GO ?= go
PKGS := ./...

.PHONY: help deps demo test test-go test-sql test-web web-deps types fixtures screenshots vet bench bench-micro fuzz chaos build docker-build clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

deps: ## install PostgreSQL 15, pgTAP, pg_prove and wal2json when missing (Debian)
	@bash scripts/install-deps.sh

demo: deps ## local PostgreSQL + worker + a realistic 55-scout import with live progress
	$(GO) run ./worker demo

test: deps vet test-web test-go test-sql ## everything: web kit, Go tests (real PostgreSQL) and the pgTAP suite

vet: ## go vet + gofmt check
	$(GO) vet $(PKGS)
	@out=$$(gofmt -l internal worker sql supabase bench); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# One line per package and failures in full; V=1 shows every test and every pgTAP assertion.
GOTESTFLAGS := -count=1 -timeout 30m$(if $(V), -v)

test-go: ## Go tests (each package starts its own throwaway PostgreSQL); V=1 for every test's output
	$(GO) test $(GOTESTFLAGS) -skip '^TestPgTAP$$' $(PKGS)

test-sql: ## pgTAP tests of supabase/tests with pg_prove, against a fresh migrated database; V=1 for every assertion
	$(GO) test $(GOTESTFLAGS) -run '^TestPgTAP$$' ./internal/schematest

web-deps: ## install Node 20+, npm and Chromium when missing (Debian), then npm ci in web/
	@bash scripts/install-web-deps.sh

test-web: web-deps ## web kit: tsc --noEmit (strict), vitest (jsdom, recorded Realtime runs), headless Chromium check
	@cd web && npx tsc --noEmit -p . && echo "web: tsc --noEmit ok"
	@cd web && npx vitest run --reporter=dot --silent
	@cd web && node scripts/browser-check.mjs

types: deps web-deps ## regenerate web/src/database.types.ts (postgres-meta on the migrated schema) and the Go contract of the web types
	UPDATE_FIXTURES=1 $(GO) test -count=1 -run '^TestDatabaseTypes$$' ./internal/schematest
	UPDATE_FIXTURES=1 $(GO) test -count=1 -run '^TestWebContract$$' ./internal/advancement

fixtures: deps ## re-record the Realtime payloads the web kit's tests replay (real imports, wal2json)
	UPDATE_FIXTURES=1 $(GO) test -count=1 -run '^TestRecordRealtimeFixtures$$' ./internal/schematest

screenshots: web-deps ## PNGs of <ImportJobProgress> in each state (headless Chromium) into docs/screenshots/
	@cd web && node scripts/browser-check.mjs --screenshots

bench: deps ## side by side with anchors (bulk upsert, River): one table of ratios in bench/results.md (~10 min)
	$(GO) run ./bench -out bench/results.md

bench-micro: ## the go test benchmarks of the packages (parser, generator, queue, imports)
	$(GO) test -run '^$$' -bench . ./internal/jobs ./internal/scoutbook ./internal/scoutgen

fuzz: ## a short run of every fuzz target
	for t in FuzzTroopReader FuzzParseDate FuzzNormalizeBadgeName; do \
	  $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime 10s ./internal/scoutbook || exit 1; done
	$(GO) test -run '^$$' -fuzz '^FuzzParseHistory$$' -fuzztime 10s ./internal/scoutbook/history

chaos: deps ## chaos run: kill, freeze and stop workers, restart and crash PostgreSQL mid-import; compare with a clean run (~1 min)
	CHAOS=1 $(GO) test -count=1 -timeout 10m -v -run '^TestChaos$$' ./internal/chaos

build: ## build bin/worker
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '-s -w' -o bin/worker ./worker

docker-build: ## build the container image (needs a Docker engine)
	docker build -t import-worker .

clean:
	rm -rf bin

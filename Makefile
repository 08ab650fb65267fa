# pledgesite: build and test the generator and the site it publishes.
# Quick start: `make build`, then `make test`. Every target installs what it
# needs, pinned: Go modules from go.sum, npm packages from package-lock.json,
# and Debian's chromium and a Java runtime for the browser and HTML checks.

GO      ?= go
NPM     ?= npm
BIN     := bin/pledgesite
NODE_OK := node_modules/.installed
GO_SRC  := $(shell find cmd generator -name '*.go' -not -name '*_test.go' 2>/dev/null) go.mod go.sum

.PHONY: build check test test-deps browser-deps fuzz bench bench-search pgo serve new schema clean

build: $(BIN) $(NODE_OK) ## build the shipped site into public/
	./$(BIN) build

check: $(BIN) ## check every source file, build nothing
	./$(BIN) check

# go build optimises the binary with cmd/pledgesite/default.pgo, a CPU
# profile of a build (see the pgo target).
$(BIN): $(GO_SRC) cmd/pledgesite/default.pgo
	$(GO) build -o $(BIN) ./cmd/pledgesite

# npm ci installs exactly package-lock.json. Install scripts are skipped:
# none of the packages needs one (vnu-jar's would only download a Java
# runtime, which Debian provides).
$(NODE_OK): package.json package-lock.json
	$(NPM) ci --ignore-scripts --no-audit --no-fund
	@touch $@

# Debian packages the browser and HTML-validation tests need, installed only
# when missing (root, as on CI; otherwise through sudo).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! command -v java >/dev/null; then \
		echo "installing chromium and a Java runtime from Debian"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium default-jre-headless fonts-dejavu-core >/dev/null; \
	fi

test-deps: $(NODE_OK) browser-deps

test: test-deps ## run every test: Go unit, golden, fuzz seeds, HTML, links, accessibility
	$(GO) vet ./...
	$(GO) test -count=1 ./...

FUZZTIME ?= 60s
fuzz: ## run each fuzz target for FUZZTIME
	$(GO) test ./generator/record -run '^$$' -fuzz FuzzDecode -fuzztime $(FUZZTIME)
	$(GO) test ./generator/markdown -run '^$$' -fuzz FuzzRender -fuzztime $(FUZZTIME)
	$(GO) test ./generator/markdown -run '^$$' -fuzz FuzzTextOf -fuzztime $(FUZZTIME)
	$(GO) test ./generator/content -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	$(GO) test ./generator/yamlsrc -run '^$$' -fuzz FuzzOneDocument -fuzztime $(FUZZTIME)
	$(GO) test ./generator/yamlsrc -run '^$$' -fuzz FuzzLift -fuzztime $(FUZZTIME)
	$(GO) test ./generator/render -run '^$$' -fuzz FuzzPageMeta -fuzztime $(FUZZTIME)
	$(GO) test ./generator/render -run '^$$' -fuzz FuzzPledgePage -fuzztime $(FUZZTIME)
	$(GO) test ./generator/tmplexec -run '^$$' -fuzz FuzzEscapers -fuzztime $(FUZZTIME)
	$(GO) test ./generator/search -run '^$$' -fuzz FuzzTokens -fuzztime $(FUZZTIME)
	$(GO) test ./generator/search -run '^$$' -fuzz FuzzExcerpt -fuzztime $(FUZZTIME)
	$(GO) test ./generator -run '^$$' -fuzz FuzzReadStamp -fuzztime $(FUZZTIME)

serve: $(BIN) $(NODE_OK) ## preview at http://127.0.0.1:1313/, rebuilding on save
	./$(BIN) serve

# Benchmarks are not tests: they take minutes and report figures (written
# to .bench/) instead of passing or failing. The hot paths as go test
# benchmarks; the preview server's save-to-reload latency and memory
# (before the builds, whose clean-up keeps the disk busy for minutes);
# whole builds of 1,000, 10,000 and 100,000 synthetic pledges beside the
# same catalogue built by Hugo and the I/O floor. Hugo is installed into
# .tools/ by cmd/benchsite, never as a dependency of the project.
bench: $(NODE_OK) ## time builds, Hugo and the I/O floor side by side, and the preview server
	$(GO) test -run '^$$' -bench . -benchmem ./generator/...
	PLEDGESITE_BENCH_SERVE=1 $(GO) test ./cmd/pledgesite -run TestServeBench -v -timeout 30m
	$(GO) run ./cmd/benchsite

bench-search: test-deps ## search: bytes and latency in Chromium, beside Pagefind
	PLEDGESITE_BENCH_SEARCH=1 $(GO) test ./cmd/pledgesite -run TestSearchBench -v -timeout 60m

# Profile-guided optimisation: go build inlines and lays out the hot paths
# a CPU profile names, which takes about 6 % of the CPU time off a build of
# 10,000 pledges. The profile is of the whole build of the benchmark's
# catalogue; remake it after changing what the build spends its time on (a
# stale profile optimises less, never wrongly).
pgo: $(NODE_OK) ## remake cmd/pledgesite/default.pgo from a profile of BenchmarkBuild10k
	tmp=$$(mktemp -d) && \
	$(GO) test -run '^$$' -bench 'BenchmarkBuild10k$$' -benchtime 5x -o $$tmp/generator.test -cpuprofile $$tmp/cpu.pprof ./generator && \
	mv $$tmp/cpu.pprof cmd/pledgesite/default.pgo; status=$$?; rm -rf $$tmp; exit $$status

# make new ID=my-pledge creates pledges/my-pledge.yaml for a pledge; add
# TO=msp-trafficking-in-persons for a contribution to that multistakeholder
# pledge. An existing file is never overwritten.
new: $(BIN) ## create pledges/$(ID).yaml from the commented template
	@test -n "$(ID)" || { echo "usage: make new ID=my-pledge [TO=msp-trafficking-in-persons]" >&2; exit 2; }
	./$(BIN) new $(if $(TO),contribution --to '$(TO)',pledge) -- '$(ID)'

clean:
	rm -rf public bin .bench

schema: $(BIN) ## rewrite pledges/schema.json, the schema editors use
	./$(BIN) schema > pledges/schema.json

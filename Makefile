# SSE Inspector. `make run` and `make test` do all set-up on Debian/Ubuntu.
GO      ?= go
BIN     ?= sseinspector
PKGS    := ./...

.PHONY: cli test-cli package-check probe-soak run build test vet lint fmt-check bench bench-tap load-tap fuzz fuzz-lint lint-verify screenshot package deps-run deps-test clean scenarios measure-gui window-screenshot

run: deps-run build
	./$(BIN) demo

build:
	$(GO) build -o $(BIN) .

# The command-line build: static, no cgo, no UI toolkit; every headless
# command, for servers, CI containers and distroless images.
CLI_BIN ?= sseinspector-cli
cli:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o $(CLI_BIN) .

# The command tests again, run against the static binary "make cli" built.
test-cli: cli
	SSEINSPECTOR_BINARY=$(CURDIR)/$(CLI_BIN) $(GO) test -count=1 -timeout 10m ./app/cli

# The probe's memory over a long run: RSS sampled 20 times (SOAK=1h for longer).
probe-soak:
	SSEI_SOAK=$${SOAK:-10m} $(GO) test -run TestProbeSoakRSS -count=1 -v -timeout 3h ./app/probe

deps-run:
	@scripts/deps.sh run

deps-test:
	@scripts/deps.sh test

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# staticcheck is a tool dependency in go.mod: "go tool" builds the pinned version.
lint:
	$(GO) tool staticcheck $(PKGS)

test: deps-test fmt-check vet lint
	$(GO) test -count=1 -timeout 20m $(PKGS)

# Parser and recording throughput, bytes per stored event, timeline drawing.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./inspector/... ./app/timeline

# Per-event latency and throughput: direct vs tap vs nginx, in one run; the
# tap is the shipped binary, and every party runs in its own process.
bench-tap: deps-test
	$(GO) test -run '^$$' -bench Tap -benchtime 1x -timeout 30m ./proxytap

# 1,000 concurrent streams through the tap for 30 s (make test runs
# TestTapLoad scaled down to 200 streams for 10 s).
load-tap: deps-test
	SSEI_LOAD=1 $(GO) test -run TestTapLoad -count=1 -timeout 30m -v ./proxytap

# The diagnosis scenario matrix on real nginx, HAProxy, Apache and Caddy:
# every scenario broken and fixed, then the fixed variants again while a
# CPU burner keeps every core busy. Each run prints the precision/recall
# table; make test runs the fast subset.
scenarios: deps-test
	@for mode in full burn; do \
		out=$$(mktemp); \
		SSEI_SCENARIOS=$$mode $(GO) test -count=1 -run TestMatrix -timeout 20m -v ./inspector/scenarios >$$out 2>&1; st=$$?; \
		grep -v '^[[:space:]]*{"level' $$out; rm -f $$out; \
		[ $$st -eq 0 ] || exit $$st; \
	done

.PHONY: storm big-session

# A 60 s watch against a server that sends retry: 0 and closes: peak RSS
# must stay under 150 MB.
storm:
	SSEI_STORM=1 $(GO) test -run TestWatchReconnectStormRSS -count=1 -timeout 10m -v ./app/cli

# Writes a 1 GB session file and diagnoses it: peak RSS must stay bounded.
big-session:
	SSEI_BIG=1 $(GO) test -run TestDiagnoseBigSessionRSS -count=1 -timeout 20m -v ./app/cli

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParser -fuzztime $${FUZZTIME:-5m} ./inspector/sse
	$(GO) test -run '^$$' -fuzz FuzzFrameReader -fuzztime $${FUZZTIME:-5m} ./inspector

# Proves the lint command's patches on the real servers: each broken
# configuration linted, patched with patch -p0, started on loopback, and
# compare through it clean (also part of make test).
lint-verify: deps-test
	$(GO) test -count=1 -v -run 'TestLint.*OnReal|TestCompareConfig' ./app/cli

# The proxy-configuration parsers of the lint command, one after the other.
fuzz-lint:
	for f in FuzzNginx FuzzHAProxy FuzzApache FuzzCaddy; do \
		$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $${FUZZTIME:-1m} ./inspector/lint || exit 1; done

# The window's CPU and RSS under Xvfb: idle, the demo, and 8 streams at
# 1,000 events/s beside headless watch. Run it on a quiet machine.
measure-gui: deps-test build
	./scripts/measure-gui.sh

# Regenerates the README's picture of the window: the demo under Xvfb.
window-screenshot: deps-test build
	./scripts/window-screenshot.sh

# Regenerates the README screenshot with the headless export command.
screenshot: build
	./scripts/screenshot.sh

# The fyne packager is a tool dependency in go.mod (fyne.io/tools/cmd/fyne).
package: deps-run
	$(GO) tool fyne package -os linux --release

# Builds the package and validates its .desktop entry (desktop-file-validate).
package-check: package
	scripts/check-package.sh

clean:
	rm -f $(BIN) $(CLI_BIN) *.tar.xz

# Reads a 1 GiB packet capture and checks the heap stays bounded (the
# 32 MiB version runs in make test).
.PHONY: capture-1g fuzz-capture
capture-1g:
	SSEINSPECTOR_CAPTURE_MB=1024 $(GO) test -run TestLargeCaptureInBoundedMemory -count=1 -timeout 30m -v ./inspector/capture

# Fuzzes the packet capture reader and its chunk decoder.
fuzz-capture:
	$(GO) test -run '^FuzzRead$$' -fuzz '^FuzzRead$$' -fuzztime $${FUZZTIME:-5m} ./inspector/capture
	$(GO) test -run '^FuzzChunkedSplits$$' -fuzz '^FuzzChunkedSplits$$' -fuzztime $${FUZZTIME:-5m} ./inspector/capture

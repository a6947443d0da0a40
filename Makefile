# SSE Inspector. `make run` and `make test` do all set-up on Debian/Ubuntu.
GO      ?= go
BIN     ?= sseinspector
PKGS    := ./...

.PHONY: run build test vet lint fmt-check bench bench-tap load-tap fuzz screenshot package deps-run deps-test clean measure-gui window-screenshot

run: deps-run build
	./$(BIN) demo

build:
	$(GO) build -o $(BIN) .

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

# Per-event latency and throughput: direct vs tap vs nginx, in one run.
bench-tap: deps-test
	$(GO) test -run '^$$' -bench Tap -benchtime 1x -timeout 30m ./proxytap

# 1,000 concurrent streams through the tap for 30 s.
load-tap: deps-test
	SSEI_LOAD=1 $(GO) test -run TestTapLoad -count=1 -timeout 30m -v ./proxytap

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParser -fuzztime $${FUZZTIME:-5m} ./inspector/sse

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

# The fyne tool's own module is not served by every module proxy; the copy
# inside the pinned Fyne release builds everywhere Fyne does.
package: deps-run
	$(GO) install fyne.io/fyne/v2/cmd/fyne@v2.8.1
	$$($(GO) env GOPATH)/bin/fyne package -os linux --release

clean:
	rm -f $(BIN) *.tar.xz

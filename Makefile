# Connectors: build, run and test. `make demo` and `make test` work on a
# fresh Debian/Ubuntu machine with Go installed: `deps` installs the rest.
SHELL := /bin/bash
export LANG := en_US.UTF-8
GO ?= go
BIN := $(CURDIR)/.bin
LINT_VERSION := v2.15.0
LINT := $(BIN)/golangci-lint
ACTIONLINT_VERSION := v1.7.12
ACTIONLINT := $(BIN)/actionlint
# Workflow files actionlint checks: the CI examples of docs/ci.md.
WORKFLOWS := docs/ci/github-actions-publish.yml
FUZZTIME ?= 10s

# Debian packages: Fyne's GL/X11 headers, a virtual X server, the Secret
# Service (gnome-keyring) with dbus, a real browser for end-to-end tests,
# imagemagick for screenshots.
DEB_PACKAGES := gcc pkg-config libgl1-mesa-dev xorg-dev xvfb xauth x11-utils gnome-keyring dbus dbus-x11 libsecret-tools chromium chromium-driver imagemagick ca-certificates
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build demo run test vet lint boundary test-race fuzz bench fmt clean

all: build

deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "system packages: all present"; fi
	@command -v $(GO) >/dev/null || { echo "Go is missing: install Go 1.25 or newer from https://go.dev/dl/"; exit 1; }

build:
	$(GO) build -o bin/connectors .
	CGO_ENABLED=0 $(GO) build -o bin/connectorctl ./cmd/connectorctl

# The app on the built-in demo org: no Salesforce account needed.
demo: deps build
	./bin/connectors --demo

run:
	$(GO) run . $(ARGS)

vet:
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) vet ./cmd/... ./connector/... ./packaging/...

$(LINT):
	GOBIN=$(BIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(LINT_VERSION)

$(ACTIONLINT):
	GOBIN=$(BIN) $(GO) install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)

lint: $(LINT) $(ACTIONLINT)
	$(LINT) run --allow-parallel-runners ./...
	$(ACTIONLINT) $(WORKFLOWS)

fmt: $(LINT)
	$(LINT) fmt ./...

# Import boundaries: no Fyne below ui/, no fyne/v2/app in ui/, and the CLI builds without cgo.
boundary:
	@bad=$$($(GO) list -deps ./cmd/connectorctl ./connector/... ./packaging/... | grep '^fyne.io/' || true); \
	if [ -n "$$bad" ]; then echo "Fyne imported outside ui/ and main:"; echo "$$bad"; exit 1; fi
	@bad=$$($(GO) list -deps ./ui/... | grep '^fyne.io/fyne/v2/app$$' || true); \
	if [ -n "$$bad" ]; then echo "ui/ imports fyne.io/fyne/v2/app: only main.go may"; exit 1; fi
	CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/connectorctl
	@echo "import boundaries: ok"

# Every test, with the race detector, inside a private dbus session with an
# unlocked gnome-keyring (the real Secret Service) and a virtual X server.
test-race:
	.ci/test-env $(GO) test -race -count=1 -timeout 30m ./...

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzOpenZip$$' -fuzztime $(FUZZTIME) ./packaging
	$(GO) test -run '^$$' -fuzz '^FuzzValidateResourceName$$' -fuzztime $(FUZZTIME) ./packaging

test: deps vet lint boundary test-race fuzz

bench:
	.ci/test-env $(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin

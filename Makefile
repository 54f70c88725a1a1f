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
# Workflow files actionlint checks: the release workflow and the CI examples
# of docs/ci.md and of the README's "Many orgs" (docs/ci/gitlab-*.yml have no
# offline validator).
WORKFLOWS := .github/workflows/release.yml docs/ci/github-actions-publish.yml docs/ci/github-actions-fleet.yml
FYNE_VERSION := v1.7.4
FYNE := $(BIN)/fyne
# Release tools: nfpm (Linux packages), cyclonedx-gomod (SBOMs).
NFPM_VERSION := v2.48.0
NFPM := $(BIN)/nfpm
CYCLONEDX_VERSION := v1.10.0
CYCLONEDX := $(BIN)/cyclonedx-gomod
# Fuzzing budgets in executions, not seconds: a duration races the fuzz
# coordinator's deadline (go.dev/issue/75804: a spurious "context deadline
# exceeded" while a worker minimizes a new input, seen in CI), and
# minimization is bounded by a count too (it stalled 20 s at 0 execs/s).
FUZZ_ZIP ?= 300000x
FUZZ_NAME ?= 100000x
FUZZ_MINIMIZE ?= 200x

# Debian packages: Fyne's GL/X11 headers, a virtual X server, the Secret
# Service (gnome-keyring) with dbus, a real browser for end-to-end tests,
# imagemagick and xdotool for screenshots.
DEB_PACKAGES := gcc pkg-config libgl1-mesa-dev xorg-dev xvfb xauth x11-utils gnome-keyring dbus dbus-x11 libsecret-tools chromium chromium-driver imagemagick xdotool ca-certificates
# For the release files (make dist, make dist-check in make test): mingw-w64
# to cross-compile the Windows app, desktop-file-utils to check the Linux menu
# entry, archivers, wine to run the Windows CLI, rpm (rpm2cpio, cpio) and jq to
# check the packages (and lintian) and SBOMs, python3 (jsonschema, yaml) and ruby to check the
# winget manifests and the Homebrew formula.
DIST_PACKAGES := git gcc-mingw-w64-x86-64 desktop-file-utils xz-utils zip unzip file wine wine64 rpm rpm2cpio cpio jq binutils lintian python3-jsonschema python3-yaml ruby
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps deps-app build demo run test vet lint boundary test-race soak fuzz bench fmt clean dist dist-linux dist-windows dist-darwin dist-ctl dist-sums dist-pkgs dist-sbom dist-recipes dist-check

# Every date in a release file is the commit's, so the same commit gives the
# same files (reproducible-builds.org/specs/source-date-epoch).
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH

# The version: git describe on a vX.Y.Z tag, else FyneApp.toml's Version with
# the commit (scripts/version says how); stamped into both binaries.
VERSION := $(shell scripts/version version)
COMMIT := $(shell scripts/version commit)
VERSION_PKG := github.com/connectors-app/connectors/internal/version
STAMP := -X $(VERSION_PKG).version=$(VERSION) -X $(VERSION_PKG).commit=$(COMMIT)
# `fyne package` takes extra build flags only through GOFLAGS, one word each;
# -trimpath keeps the build folder's path out of the app; -buildmode=pie lets
# the system load it at a random address (ASLR: Windows and macOS builds are
# PIE anyway, Linux ones are not by default; lintian asks for it).
FYNE_GOFLAGS := $(GOFLAGS) -trimpath -buildmode=pie -ldflags=-X=$(VERSION_PKG).version=$(VERSION) -ldflags=-X=$(VERSION_PKG).commit=$(COMMIT)
HOST_ARCH := $(shell $(GO) env GOARCH)
# A make inside this one builds the same version, even if a file changes
# meanwhile (the version would become -dirty half-way through a dist).
SUBMAKE = $(MAKE) --no-print-directory VERSION=$(VERSION) COMMIT=$(COMMIT)
DIST := $(CURDIR)/dist
# DIST=dist on the command line works too: recipes cd elsewhere
override DIST := $(abspath $(DIST))
# The documents every release archive holds next to the program: the README
# and the licence (when the repository has one).
DIST_DOCS := README.md $(wildcard LICENSE LICENSE.md LICENSE.txt)
CTL_TARGETS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
MINGW_CC := x86_64-w64-mingw32-gcc

all: build

# deps: everything (make test, make dist); deps-app: what the app needs (make demo).
deps: PACKAGES = $(DEB_PACKAGES) $(DIST_PACKAGES)
deps-app: PACKAGES = $(DEB_PACKAGES)
deps deps-app:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "system packages: all present"; fi
	@command -v $(GO) >/dev/null || { echo "Go is missing: install Go 1.25 or newer from https://go.dev/dl/"; exit 1; }

build:
	$(GO) build -ldflags "$(STAMP)" -o bin/connectors .
	CGO_ENABLED=0 $(GO) build -ldflags "$(STAMP)" -o bin/connectorctl ./cmd/connectorctl

# The app on the built-in demo org: no Salesforce account needed.
demo: deps-app build
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

$(FYNE):
	GOBIN=$(BIN) $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_VERSION)

lint: $(LINT) $(ACTIONLINT)
	$(LINT) run --allow-parallel-runners ./...
	$(ACTIONLINT) $(WORKFLOWS)
	scripts/layers

fmt: $(LINT)
	$(LINT) fmt ./...

# Import boundaries: no Fyne below ui/, no fyne/v2/app in ui/, the window
# (ui/ and the app's main package) speaks only to the Service (never to the
# registry: no .Registry, no OpenRegistry, no registry write, no overwrite
# of what the Service records of a connector), and the CLI builds without cgo.
WINDOW_SOURCES = $(filter-out %_test.go,$(wildcard ui/*.go *.go))
boundary:
	@bad=$$($(GO) list -deps ./cmd/connectorctl ./connector/... ./packaging/... | grep '^fyne.io/' || true); \
	if [ -n "$$bad" ]; then echo "Fyne imported outside ui/ and main:"; echo "$$bad"; exit 1; fi
	@bad=$$($(GO) list -deps ./ui/... | grep '^fyne.io/fyne/v2/app$$' || true); \
	if [ -n "$$bad" ]; then echo "ui/ imports fyne.io/fyne/v2/app: only main.go may"; exit 1; fi
	@bad=$$(grep -nE '\.Registry\b|OpenRegistry|\.(Upsert|Update|Delete|Import)\(' $(WINDOW_SOURCES) || true); \
	if [ -n "$$bad" ]; then echo "the window writes the registry behind the Service's back (call a Service method, see connector/service/connectors.go):"; echo "$$bad"; exit 1; fi
	@bad=$$(grep -nE '\.(Org|NeedsReauth|LastState|LastCheck|LastPublish|Drift)\b\s*(,[^=]*)?=[^=]' $(WINDOW_SOURCES) || true); \
	if [ -n "$$bad" ]; then echo "the window overwrites what the Service records of a connector (ask the Service):"; echo "$$bad"; exit 1; fi
	CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/connectorctl
	@echo "import boundaries: ok"

# Every test, with the race detector, inside a private dbus session with an
# unlocked gnome-keyring (the real Secret Service) and a virtual X server.
# The soak (TestSoak) runs afterwards on its own (its many connectorctl
# processes would starve the real-window test running beside it), for
# about 100 s on a new random seed, printed here (CONNECTORS_SOAK_SEED=...
# to choose it).
test-race:
	.ci/test-env $(GO) test -race -count=1 -timeout 30m -skip '^TestSoak$$' ./...
	@seed=$${CONNECTORS_SOAK_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; \
	echo "soak seed $$seed (a failure reproduces with: make soak SEED=$$seed N=<step+1>)"; \
	CONNECTORS_SOAK_SEED=$$seed .ci/test-env $(GO) test -race -count=1 -timeout 30m -run '^TestSoak$$' ./cmd/connectorctl/

# The randomized soak (issue 17): N steps of publishes, restores, dry runs
# and faults from two laptops and CI on one simulated org, invariants checked
# after each step. SEED empty: a random one, printed. Every failure prints the
# seed and the step that reproduce it; the step log goes to
# /tmp/connectors-soak-SEED.log. In the environment: CONNECTORS_SOAK_KEEP_GOING=1
# tallies every violation instead of stopping at the first, CONNECTORS_SOAK_VERBOSE=1
# logs every request, CONNECTORS_SOAK_ALLOW=I3c,... reports those invariants
# without failing (cmd/connectorctl/soak_check_test.go lists them).
N ?= 2000
SEED ?=
soak:
	CONNECTORS_SOAK_STEPS=$(N) CONNECTORS_SOAK_SEED=$(SEED) CONNECTORS_SOAK_DURATION=0 \
		.ci/test-env $(GO) test -count=1 -timeout 0 -v -run '^TestSoak$$' ./cmd/connectorctl/

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzOpenZip$$' -fuzztime $(FUZZ_ZIP) -fuzzminimizetime $(FUZZ_MINIMIZE) ./packaging
	$(GO) test -run '^$$' -fuzz '^FuzzValidateResourceName$$' -fuzztime $(FUZZ_NAME) -fuzzminimizetime $(FUZZ_MINIMIZE) ./packaging

test: deps vet lint boundary test-race fuzz dist-check

bench:
	.ci/test-env $(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin dist

# Release files in dist/, named with $(VERSION):
#   connectors-V-linux-ARCH.tar.xz       the Linux app (fyne package: binary,
#                                        menu entry, icon, install Makefile)
#   connectors-V-windows-amd64.zip       the Windows app (GUI exe with icon and
#                                        version info, cross-built with mingw-w64)
#   connectorctl-V-OS-ARCH.tar.gz/.zip   connectorctl for every platform
#   connector{s,ctl}_V-1_ARCH.deb, .rpm  Linux packages of both (nfpm)
#   *.cdx.json                           one CycloneDX SBOM per binary
#   SHA256SUMS                           the checksums of all of the above
#   recipes/                             a Homebrew formula and winget
#                                        manifests, from SHA256SUMS
# Every archive holds README.md, LICENSE (once the repository has one) and
# THIRD_PARTY_NOTICES.txt, the licences of every module linked into its
# binary (scripts/notices). macOS apps are built by
# .github/workflows/release.yml on a macOS runner.
dist: deps $(FYNE) $(NFPM) $(CYCLONEDX)
	rm -rf $(DIST)
	$(SUBMAKE) dist-linux
	$(SUBMAKE) dist-windows
	$(SUBMAKE) dist-ctl
	$(SUBMAKE) dist-pkgs
	$(SUBMAKE) dist-sbom
	$(SUBMAKE) dist-sums
	$(SUBMAKE) dist-recipes
	@ls -l $(DIST)

$(NFPM):
	GOBIN=$(BIN) $(GO) install github.com/goreleaser/nfpm/v2/cmd/nfpm@$(NFPM_VERSION)

$(CYCLONEDX):
	GOBIN=$(BIN) $(GO) install github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@$(CYCLONEDX_VERSION)

# fyne package builds in the source folder. scripts/version sync first writes
# the version and build number from git into FyneApp.toml, so the file follows
# git, not hand edits; fyne package then rewrites the file (Build + 1, and it
# drops sections it does not know, such as [Migrations]), so the synced file
# is put back afterwards.
FYNE_PACKAGE = scripts/version sync && cp FyneApp.toml FyneApp.toml.keep && \
	{ GOFLAGS="$(FYNE_GOFLAGS)" $(FYNE) package $(1) --release --app-version $$(scripts/version app) --app-build $$(scripts/version build); \
	s=$$?; mv FyneApp.toml.keep FyneApp.toml; exit $$s; }

# NOTICES(package, name, folder): the binary's third-party notices, for the
# GOOS, GOARCH and CGO_ENABLED of the environment, into folder.
NOTICES = scripts/notices $(1) $(2) > $(3)/THIRD_PARTY_NOTICES.txt

dist-linux: $(FYNE)
	rm -f Connectors.tar.xz
	$(call FYNE_PACKAGE,-os linux)
	@t=$$(mktemp -d) && $(call NOTICES,.,connectors,$$t) && \
	scripts/dist-linux-fixup Connectors.tar.xz $(DIST_DOCS) $$t/THIRD_PARTY_NOTICES.txt && rm -rf $$t
	@t=$$(mktemp -d) && tar -xJf Connectors.tar.xz -C $$t && \
	desktop-file-validate $$t/connectors/usr/local/share/applications/*.desktop && \
	grep -q '^Exec=/usr/local/bin/connectors' $$t/connectors/usr/local/share/applications/*.desktop && \
	for f in $(DIST_DOCS) THIRD_PARTY_NOTICES.txt; do [ -f $$t/connectors/$$f ] || { echo "$$f is not in the archive"; exit 1; }; done && \
	echo "desktop entry: valid, absolute Exec; $(DIST_DOCS) THIRD_PARTY_NOTICES.txt included" && rm -rf $$t
	mkdir -p $(DIST)
	mv Connectors.tar.xz $(DIST)/connectors-$(VERSION)-linux-$(HOST_ARCH).tar.xz

dist-windows: export CC := $(MINGW_CC)
dist-windows: $(FYNE)
	rm -f Connectors.exe connectors.exe
	$(call FYNE_PACKAGE,-os windows)
	@f=$$(file Connectors.exe); echo "$$f"; \
	case "$$f" in *"PE32+ executable (GUI) x86-64"*) ;; *) echo "Connectors.exe is not a 64-bit GUI executable"; exit 1;; esac
	mkdir -p $(DIST)
	@set -e; t=$$(mktemp -d); mv Connectors.exe $$t/connectors.exe; cp $(DIST_DOCS) $$t/; \
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 $(call NOTICES,.,connectors,$$t); \
	scripts/archive $(DIST)/connectors-$(VERSION)-windows-amd64.zip $$t connectors.exe $(DIST_DOCS) THIRD_PARTY_NOTICES.txt; \
	rm -rf $$t

# The macOS app, on a Mac (the release workflow's macOS job): Connectors.app
# for this Mac's architecture, unsigned, zipped with ditto (keeps the bundle's
# attributes), with its SBOM.
dist-darwin: $(FYNE) $(CYCLONEDX)
	rm -rf Connectors.app
	$(call FYNE_PACKAGE,-os darwin)
	mkdir -p $(DIST)
	ditto -c -k --keepParent Connectors.app $(DIST)/connectors-$(VERSION)-darwin-$(HOST_ARCH).zip
	t=$$(mktemp -d) && cp $(DIST_DOCS) $$t/ && $(call NOTICES,.,connectors,$$t) && \
	(cd $$t && zip -q -X $(DIST)/connectors-$(VERSION)-darwin-$(HOST_ARCH).zip $(DIST_DOCS) THIRD_PARTY_NOTICES.txt) && rm -rf $$t
	rm -rf Connectors.app
	$(call SBOM,.,connectors,1,darwin,$(HOST_ARCH))

# connectorctl needs no cgo: one archive per platform, reproducible: the same
# commit gives the same bytes wherever and whenever it is built (-trimpath,
# dates from the commit, scripts/archive; make dist-check proves it).
dist-ctl:
	mkdir -p $(DIST)
	@set -e; for t in $(CTL_TARGETS); do \
		os=$${t%/*}; arch=$${t#*/}; ext=""; [ $$os = windows ] && ext=.exe; \
		name=connectorctl-$(VERSION)-$$os-$$arch; d=$$(mktemp -d); \
		echo "build $$name"; \
		export CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch; \
		$(GO) build -trimpath -ldflags "-s -w $(STAMP)" -o $$d/connectorctl$$ext ./cmd/connectorctl; \
		cp $(DIST_DOCS) $$d/; $(call NOTICES,./cmd/connectorctl,connectorctl,$$d); \
		if [ $$os = windows ]; then a=$(DIST)/$$name.zip; else a=$(DIST)/$$name.tar.gz; fi; \
		scripts/archive $$a $$d connectorctl$$ext $(DIST_DOCS) THIRD_PARTY_NOTICES.txt; \
		rm -rf $$d; \
	done

# The .deb and .rpm of both programs, from the Linux archives in $(DIST)
# (scripts/dist-pkgs; checked by scripts/dist-pkgs-check in make dist-check).
dist-pkgs: $(NFPM)
	NFPM=$(NFPM) scripts/dist-pkgs $(DIST) $(VERSION)

# SBOM(main package, name, cgo, os, arch): the CycloneDX SBOM of one binary,
# from what go list links for that platform, with the licences found in the
# module cache; no serial number or time, so it is reproducible too.
# Its warnings (no licence detected for this module and std) are shown only
# when it fails.
SBOM = { out=$$(CGO_ENABLED=$(3) GOOS=$(4) GOARCH=$(5) $(CYCLONEDX) app -json -licenses -std -noserial -notimestamp \
	-main $(1) -output $(DIST)/$(2)-$(VERSION)-$(4)-$(5).cdx.json . 2>&1) || { echo "$$out"; exit 1; }; }

# One SBOM per binary: every connectorctl, and the apps whose archives are in
# $(DIST).
dist-sbom: $(CYCLONEDX)
	mkdir -p $(DIST)
	@set -e; for t in $(CTL_TARGETS); do \
		os=$${t%/*}; arch=$${t#*/}; \
		$(call SBOM,cmd/connectorctl,connectorctl,0,$$os,$$arch); \
	done
	@set -e; for a in $(DIST)/connectors-$(VERSION)-linux-*.tar.xz $(DIST)/connectors-$(VERSION)-windows-*.zip; do \
		[ -e $$a ] || continue; t=$${a%.*}; t=$${t%.tar}; arch=$${t##*-}; t=$${t%-*}; os=$${t##*-}; \
		$(call SBOM,.,connectors,1,$$os,$$arch); \
	done
	@ls $(DIST)/*.cdx.json | sed 's,.*/,sbom ,'

dist-sums:
	@# the glob's order is the locale's: C, so SHA256SUMS is the same everywhere
	cd $(DIST) && export LC_ALL=C && rm -f SHA256SUMS && sha256sum connector* > SHA256SUMS && sha256sum -c --quiet SHA256SUMS
	@cat $(DIST)/SHA256SUMS

# A Homebrew formula for connectorctl and winget manifests for both programs,
# from $(DIST)/SHA256SUMS (so after dist-sums), into $(DIST)/recipes, checked
# offline (scripts/pkg-recipes-check says what is and is not checked).
# PKG_LICENSE=<SPDX id> once the repository has a licence.
dist-recipes:
	scripts/pkg-recipes $(DIST) $(VERSION)
	scripts/pkg-recipes-check $(DIST)

# CI builds what it ships and checks it as a user's machine would:
#  1. reproducible: the connectorctl archives, SBOMs and packages of this
#     commit, built in two clones at different paths, times, umasks and time
#     zones (the second with an empty build cache), are byte-identical
#     (scripts/dist-repro);
#  2. every release file, into dist/check: the Windows app (catches
#     *_windows.go and cgo breakage), the Linux app, connectorctl for every
#     platform, the packages, SBOMs, SHA256SUMS and recipes;
#  3. the archives' contents (README, notices naming every module of the
#     binary's SBOM: scripts/dist-contents-check), the .deb and .rpm
#     (unpacked, and a real dpkg -i as root: scripts/dist-pkgs-check), the
#     recipes (scripts/pkg-recipes-check);
#  4. the Windows CLI under wine. Wine 8 (Debian 12) lacks
#     bcryptprimitives.dll, which Go programs load at start-up (Windows 10+
#     has it): scripts/wine/bcryptprimitives.c stands in for it.
CHECK := $(CURDIR)/dist/check
dist-check: deps $(FYNE) $(NFPM) $(CYCLONEDX)
	BIN=$(BIN) scripts/dist-repro
	rm -rf $(CHECK)
	@# a check, not a release: FyneApp.toml is left as it was
	cp FyneApp.toml FyneApp.toml.orig; \
	$(SUBMAKE) dist-windows dist-linux DIST=$(CHECK); s=$$?; mv FyneApp.toml.orig FyneApp.toml; exit $$s
	$(SUBMAKE) dist-ctl dist-pkgs dist-sbom dist-sums dist-recipes DIST=$(CHECK)
	scripts/dist-contents-check $(CHECK) $(VERSION)
	scripts/dist-pkgs-check $(CHECK) $(VERSION)
	scripts/pkg-recipes-check --self-test $(CHECK)
	@set -e; t=$$(mktemp -d); trap 'rm -rf $$t' EXIT; \
	export WINEPREFIX=$$t/wine WINEDEBUG=-all WINEDLLOVERRIDES=bcryptprimitives=n; \
	cd $$t && unzip -q $(CHECK)/connectorctl-$(VERSION)-windows-amd64.zip; \
	wineboot --init >/dev/null 2>&1 || true; \
	$(MINGW_CC) -O2 -shared -o $$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll $(CURDIR)/scripts/wine/bcryptprimitives.c -ladvapi32; \
	wine ./connectorctl.exe --version | tr -d '\r' | tee version.txt; \
	grep -q '^connectorctl $(VERSION) (commit $(COMMIT), go.*, windows/amd64)$$' version.txt || { echo "wine: unexpected --version"; exit 1; }; \
	mkdir cfg && wine ./connectorctl.exe --config-dir cfg list --json | tr -d '\r' | tee list.json; \
	[ "$$(cat list.json)" = "[]" ] || { echo "wine: list --json should print []"; exit 1; }; \
	echo "wine smoke test: ok"
	@ls -l $(CHECK) | awk 'NR > 1 {printf "%10d  %s\n", $$5, $$9}'

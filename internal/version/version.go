// Package version says which build of Connectors this is. The release build
// stamps it (see the Makefile's dist target):
//
//	-ldflags "-X github.com/connectors-app/connectors/internal/version.version=1.2.3
//	          -X github.com/connectors-app/connectors/internal/version.commit=0123abc"
//
// Without a stamp the module version and the VCS revision recorded by the Go
// toolchain are used, so `go build` and `go install` builds still say where
// they come from.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set at build time with -ldflags -X; empty otherwise.
var (
	version string
	commit  string
)

// Version is the release version, e.g. "1.2.3" or "1.2.3-4-gabc1234";
// "dev" for an unstamped build outside a module version.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// Commit is the short git commit the binary was built from, with "-dirty"
// when the tree had changes; "unknown" when nobody recorded it.
func Commit() string {
	if commit != "" {
		return commit
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "unknown"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}

// Full is the version with the commit, for diagnostics and the About box:
// "1.2.3 (commit abc1234)".
func Full() string {
	return fmt.Sprintf("%s (commit %s)", Version(), Commit())
}

// Line is what `--version` prints for program prog:
// "connectorctl 1.2.3 (commit abc1234, go1.26.8, linux/amd64)".
func Line(prog string) string {
	return fmt.Sprintf("%s %s (commit %s, %s, %s/%s)", prog, Version(), Commit(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

package version

import (
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStamped(t *testing.T) {
	oldV, oldC := version, commit
	t.Cleanup(func() { version, commit = oldV, oldC })
	version, commit = "1.2.3-4-gabc1234", "abc1234"
	assert.Equal(t, "1.2.3-4-gabc1234", Version())
	assert.Equal(t, "abc1234", Commit())
	assert.Equal(t, "1.2.3-4-gabc1234 (commit abc1234)", Full())
	assert.Equal(t, "connectorctl 1.2.3-4-gabc1234 (commit abc1234, "+runtime.Version()+", "+runtime.GOOS+"/"+runtime.GOARCH+")", Line("connectorctl"))
}

func TestUnstamped(t *testing.T) {
	oldV, oldC := version, commit
	t.Cleanup(func() { version, commit = oldV, oldC })
	version, commit = "", ""
	// a test binary has no module version and no VCS stamp
	assert.Equal(t, "dev", Version())
	assert.Equal(t, "unknown", Commit())
	assert.True(t, strings.HasPrefix(Line("connectors"), "connectors dev (commit unknown, go"))
}

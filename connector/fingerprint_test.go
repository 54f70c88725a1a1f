package connector

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFingerprintDescription(t *testing.T) {
	fp := "sha256:" + strings.Repeat("ab", 32)
	desc := DescriptionFor(fp)
	assert.Equal(t, "Published by Connectors; fingerprint="+fp, desc)
	assert.LessOrEqual(t, len(desc), 255, "fits the Description field")
	for in, want := range map[string]string{
		desc: fp,
		"Hand-made; fingerprint=" + fp + "; more": fp,
		"App Bundle - auto-uploaded":              "",
		"":                                        "",
		"fingerprint=md5:abc":                     "",
		"fingerprint=sha256:":                     "",
	} {
		assert.Equal(t, want, FingerprintFromDescription(in), in)
	}
}

package connector

import "strings"

// descriptionPrefix starts the Description of every StaticResource we
// publish; the content fingerprint follows it.
const descriptionPrefix = "Published by Connectors; fingerprint="

// DescriptionFor is the StaticResource Description recording the content
// fingerprint fp: "Published by Connectors; fingerprint=sha256:<hex>".
func DescriptionFor(fp string) string { return descriptionPrefix + fp }

// FingerprintFromDescription returns the fingerprint recorded by
// DescriptionFor in a Description, or "" when there is none (a resource
// uploaded by hand or by another tool).
func FingerprintFromDescription(desc string) string {
	i := strings.Index(desc, "fingerprint=")
	if i < 0 {
		return ""
	}
	fp := desc[i+len("fingerprint="):]
	if j := strings.IndexAny(fp, " ;,\n\r\t"); j >= 0 {
		fp = fp[:j]
	}
	if !strings.HasPrefix(fp, "sha256:") || len(fp) == len("sha256:") {
		return ""
	}
	return fp
}

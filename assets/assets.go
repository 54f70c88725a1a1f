// Package assets holds the embedded app icon and the sample content bundle
// the demo publishes.
package assets

import (
	"embed"
	"io/fs"

	_ "embed" // for the icon
)

//go:embed icon.png
var iconPNG []byte

// IconPNG is the 512×512 app icon.
func IconPNG() []byte { return iconPNG }

//go:embed all:sample
var sample embed.FS

// SampleContent is the demo content bundle as a folder tree (loader.js, content/guides.json, ...).
func SampleContent() fs.FS {
	sub, err := fs.Sub(sample, "sample")
	if err != nil {
		panic(err) // embedded at build time; cannot fail
	}
	return sub
}

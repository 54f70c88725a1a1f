// Package ui holds the Fyne screens of the Connectors app. It receives the
// fyne.App and fyne.Window from main and never imports fyne/v2/app.
package ui

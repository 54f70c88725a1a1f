module github.com/connectors-app/connectors

go 1.26.8

require (
	fyne.io/fyne/v2 v2.7.1 // indirect
	github.com/danieljoos/wincred v1.2.3 // indirect
	github.com/godbus/dbus/v5 v5.2.2 // indirect
	github.com/pkg/browser v0.0.0-20240102092130-5ac0b6a4141c // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	github.com/zalando/go-keyring v0.2.8 // indirect
	golang.org/x/oauth2 v0.38.0 // indirect
	golang.org/x/sys v0.30.0 // indirect
)

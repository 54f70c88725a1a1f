//go:build windows

package connector

import "golang.org/x/sys/windows"

func errAddrInUse() error { return windows.WSAEADDRINUSE }

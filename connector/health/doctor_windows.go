//go:build windows

package health

import "golang.org/x/sys/windows"

func errAddrInUse() error { return windows.WSAEADDRINUSE }

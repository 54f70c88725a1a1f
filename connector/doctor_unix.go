//go:build !windows

package connector

import "syscall"

func errAddrInUse() error { return syscall.EADDRINUSE }

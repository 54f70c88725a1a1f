//go:build !windows

package health

import "syscall"

func errAddrInUse() error { return syscall.EADDRINUSE }

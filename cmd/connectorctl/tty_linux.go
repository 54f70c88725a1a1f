package main

import "golang.org/x/sys/unix"

func isTTYFd(fd uintptr) bool {
	_, err := unix.IoctlGetTermios(int(fd), unix.TCGETS)
	return err == nil
}

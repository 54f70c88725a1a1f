//go:build !windows

package main

import "syscall"

// detachedProcess puts the background check in a session of its own: no
// terminal, and no signal from the one that started it.
func detachedProcess() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

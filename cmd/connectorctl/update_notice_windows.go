//go:build windows

package main

import "syscall"

// detachedProcess starts the background check without a console window,
// in a process group of its own.
func detachedProcess() *syscall.SysProcAttr {
	const detached, newGroup = 0x00000008, 0x00000200 // DETACHED_PROCESS, CREATE_NEW_PROCESS_GROUP
	return &syscall.SysProcAttr{CreationFlags: detached | newGroup, HideWindow: true}
}

package main

import (
	"io"
	"os"
)

// ioStreams is what a command reads from and writes to. main wires the
// process's streams; tests pass buffers and choose the terminal flags.
type ioStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// InTTY is true when In is a terminal a person can type on (pasting a
	// callback URL, confirming a production publish).
	InTTY bool
	// OutTTY is true when Out is a terminal: relative times, colours-free symbols.
	OutTTY bool
	// ErrTTY is true when ErrOut is a terminal: progress bars redraw in place.
	ErrTTY bool
}

// systemIO returns the process's streams with terminal detection (see
// isTerminal).
func systemIO() *ioStreams {
	return &ioStreams{
		In:     os.Stdin,
		Out:    os.Stdout,
		ErrOut: os.Stderr,
		InTTY:  isTerminal(os.Stdin),
		OutTTY: isTerminal(os.Stdout),
		ErrTTY: isTerminal(os.Stderr),
	}
}

// isTerminal reports whether f is a terminal: a character device (so not a
// pipe or a file) that also answers the terminal ioctl, since /dev/null is a
// character device too.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	return isTTYFd(f.Fd())
}

package main

import (
	"io"
	"os"

	"golang.org/x/term"

	"github.com/connectors-app/connectors/internal/safetext"
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

	// rawErrOut is ErrOut before escaping, set by escaped: only the
	// progress bar writes to it, for its own cursor controls.
	rawErrOut io.Writer
}

// escaped returns the streams with Out and ErrOut escaping every control
// character but newline and tab (safetext.Writer): whatever a command
// prints, outside text in it (org and user names, Salesforce messages,
// bundle entry names, pasted URLs) cannot move the cursor, recolour the
// terminal or reorder the line.
func (s *ioStreams) escaped() *ioStreams {
	e := *s
	e.rawErrOut = s.ErrOut
	e.Out = safetext.NewWriter(s.Out)
	e.ErrOut = safetext.NewWriter(s.ErrOut)
	return &e
}

// errTerminal is stderr for the progress bar, which draws with "\r\033[K"
// and prints nothing from outside.
func (s *ioStreams) errTerminal() io.Writer {
	if s.rawErrOut != nil {
		return s.rawErrOut
	}
	return s.ErrOut
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
	return term.IsTerminal(int(f.Fd()))
}

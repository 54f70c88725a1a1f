package main

// publish's upload progress on stderr.

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/connectors-app/connectors/connector"
)

// progressView shows upload progress on stderr: one bar redrawn in place on
// a terminal, a few plain lines otherwise.
//
// Why not a multi-bar library (mpb, progressbar): the view is one bar for
// all targets (one bar per target would not fit 50 sandboxes on a screen),
// the plain-lines mode is ours either way, and drawing happens only on
// upload progress, so the output is deterministic and tested byte for byte;
// the libraries redraw from a ticker goroutine and bring their own
// dependencies for what is some 80 lines here.
type progressView struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	plain   bool
	now     func() time.Time
	size    int64
	targets int
	sent    map[connector.Key]int64
	said    map[connector.Key]int // plain lines: last quarter reported per started target
	drawn   bool
	last    time.Time
}

func newProgressView(ios *ioStreams, now func() time.Time, targets int, size int64, plain bool) *progressView {
	return &progressView{
		w: ios.errTerminal(), tty: ios.ErrTTY, plain: plain, now: now, size: size, targets: targets,
		sent: map[connector.Key]int64{}, said: map[connector.Key]int{},
	}
}

func (p *progressView) update(k connector.Key, sent, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if total <= 0 {
		total = p.size
	}
	p.sent[k] = min(sent, total)
	if p.tty {
		now := p.now()
		if p.drawn && now.Sub(p.last) < 50*time.Millisecond && sent < total {
			return
		}
		p.last = now
		p.draw()
		return
	}
	if !p.plain || total <= 0 {
		return
	}
	if _, started := p.said[k]; !started {
		p.said[k] = 0
		fmt.Fprintf(p.w, "%s: uploading %s\n", k, connector.FormatSize(total, "en"))
	}
	if q := int(4 * p.sent[k] / total); q > p.said[k] { // quarters: 1..4
		p.said[k] = q
		fmt.Fprintf(p.w, "%s: sent %d%% (%s of %s)\n", k, 25*q, connector.FormatSize(p.sent[k], "en"), connector.FormatSize(total, "en"))
	}
}

const barWidth = 30

func (p *progressView) draw() {
	var sent int64
	for _, s := range p.sent {
		sent += s
	}
	total := p.size * int64(p.targets)
	if total <= 0 {
		return
	}
	frac := float64(sent) / float64(total)
	filled := int(frac * barWidth)
	bar := strings.Repeat("█", filled) + strings.Repeat("░", barWidth-filled)
	label := "Publishing"
	if p.targets > 1 {
		label = fmt.Sprintf("Publishing to %d connectors", p.targets)
	}
	fmt.Fprintf(p.w, "\r\033[K%s [%s] %3.0f%% %s of %s", label, bar, 100*frac, connector.FormatSize(sent, "en"), connector.FormatSize(total, "en"))
	p.drawn = true
}

// done clears the bar so the result lines start on a clean line.
func (p *progressView) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

package main

// The soak's steps: what each one does to the org and which processes it
// runs. soak_check_test.go checks the invariants after each.

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/sfsim"
)

// Step kinds, with their weights.
const (
	stepPublish    = "publish"
	stepKill       = "publish+kill"
	stepConcurrent = "concurrent"
	stepDryRun     = "dry-run"
	stepRestore    = "restore"
	stepStatus     = "status"
	stepEditOther  = "setup-edit-other-user"
	stepEditSame   = "setup-edit-same-user"
)

var soakWeights = []struct {
	kind   string
	weight int
}{
	{stepPublish, 32}, {stepKill, 10}, {stepConcurrent, 10}, {stepDryRun, 8},
	{stepRestore, 10}, {stepStatus, 6}, {stepEditOther, 6}, {stepEditSame, 6},
}

// soakOtherUser edits in Setup as someone else (15-char id: sfsim adds the suffix).
const soakOtherUser, soakOtherName = "005000000000042", "Bea Builder"

// soakStep is one step: what ran and what the org saw.
type soakStep struct {
	index      int
	kind       string
	faults     []string
	concurrent bool
	runs       []soakRun
	versions   []*soakVersion // per run (nil: restore, status)
	force      []bool
	dryRun     bool
	edit       string // the Setup edit's body label

	// at the start of the step
	liveStart     string // body sum, "" none
	lastStart     soakLastWrite
	setupDueStart bool

	writes   []soakWrite        // what landed in the org during the step
	requests []sfsim.RequestLog // what the org received during the step
}

func (s *soak) drawKind() string {
	total := 0
	for _, w := range soakWeights {
		total += w.weight
	}
	n := s.rng.IntN(total)
	for _, w := range soakWeights {
		if n < w.weight {
			return w.kind
		}
		n -= w.weight
	}
	return stepPublish
}

// step draws and runs step i.
func (s *soak) step(i int) *soakStep {
	// each step draws from its own stream: what it does follows from the
	// seed and its index, whatever earlier steps ended with
	s.rng = rand.New(rand.NewPCG(s.set.seed, uint64(i)))
	st := &soakStep{index: i, kind: s.drawKind(), lastStart: s.last, setupDueStart: s.setupDue}
	live := s.liveBody()
	if live != nil {
		st.liveStart = sum(live.Body)
	}
	if (st.kind == stepEditOther || st.kind == stepEditSame) && live == nil {
		st.kind = stepPublish // nothing to edit yet
	}
	switch st.kind {
	case stepPublish, stepDryRun:
		st.dryRun = st.kind == stepDryRun
		a := s.actors[s.rng.IntN(len(s.actors))]
		v := s.pickVersion()
		force := !st.dryRun && s.rng.IntN(100) < 20
		undo := s.maybeFault(st, live != nil)
		s.runPublishes(st, []*soakActor{a}, []*soakVersion{v}, []bool{force}, 0, 0)
		undo()
	case stepKill:
		a := s.actors[s.rng.IntN(len(s.actors))]
		v := s.pickVersion()
		latency := time.Duration(20+s.rng.IntN(130)) * time.Millisecond
		kill := time.Duration(10+s.rng.IntN(int(8*latency/time.Millisecond)+150)) * time.Millisecond
		st.faults = append(st.faults, fmt.Sprintf("latency %s, kill -9 after %s", latency, kill))
		s.org.SetLatency(latency)
		s.runPublishes(st, []*soakActor{a}, []*soakVersion{v}, []bool{s.rng.IntN(100) < 20}, kill, 0)
		s.org.SetLatency(0)
	case stepConcurrent:
		st.concurrent = true
		p := s.rng.Perm(len(s.actors))
		actors := []*soakActor{s.actors[p[0]], s.actors[p[1]]}
		vs := []*soakVersion{s.pickVersion(), s.pickVersion()}
		force := []bool{s.rng.IntN(100) < 20, s.rng.IntN(100) < 20}
		latency := time.Duration(s.rng.IntN(60)) * time.Millisecond
		offset := time.Duration(s.rng.IntN(120)) * time.Millisecond
		st.faults = append(st.faults, fmt.Sprintf("latency %s, second starts %s later", latency, offset))
		s.org.SetLatency(latency)
		undo := s.maybeFault(st, live != nil)
		s.runPublishes(st, actors, vs, force, 0, offset)
		undo()
		s.org.SetLatency(0)
	case stepRestore:
		a := s.actors[s.rng.IntN(2)] // a laptop: a CI run has no backups of its own
		undo := s.maybeFault(st, true)
		st.runs = append(st.runs, s.mustRun(a, "restore", soakKey, "--json"))
		st.versions, st.force = append(st.versions, nil), append(st.force, false)
		undo()
	case stepStatus:
		a := s.actors[s.rng.IntN(2)]
		st.runs = append(st.runs, s.mustRun(a, "status", soakKey, "--json"))
		st.versions, st.force = append(st.versions, nil), append(st.force, false)
	case stepEditOther, stepEditSame:
		s.setupEdit(st, live)
	}
	return st
}

// mustRun runs connectorctl for a laptop to completion.
func (s *soak) mustRun(a *soakActor, args ...string) soakRun {
	r := s.start(a, "", 0, args...)()
	require.NoError(s.t, r.err)
	return r
}

// runPublishes runs one publish per actor, the second offset after the
// first; kill > 0 kills the (single) process then.
func (s *soak) runPublishes(st *soakStep, actors []*soakActor, vs []*soakVersion, force []bool, kill, offset time.Duration) {
	waits := make([]func() soakRun, len(actors))
	for i, a := range actors {
		var extra []string
		if force[i] {
			extra = append(extra, "--force")
		}
		if st.dryRun {
			extra = append(extra, "--dry-run")
		}
		args, runDir := s.publishArgs(a, vs[i], extra...)
		if i > 0 && offset > 0 {
			time.Sleep(offset)
		}
		waits[i] = s.start(a, runDir, kill, args...)
	}
	runs := make([]soakRun, len(actors))
	var wg sync.WaitGroup
	for i := range waits {
		wg.Go(func() { runs[i] = waits[i]() })
	}
	wg.Wait()
	for _, r := range runs {
		require.NoError(s.t, r.err)
	}
	st.runs, st.versions, st.force = runs, vs, force
}

// maybeFault draws a fault for the step (45%) and returns what undoes it.
func (s *soak) maybeFault(st *soakStep, exists bool) (undo func()) {
	undo = func() { s.org.ClearFaults() }
	if s.rng.IntN(100) >= 45 {
		return undo
	}
	const data = "/services/data/"
	methods := []string{"", "GET", "PATCH", "POST"}
	switch s.rng.IntN(4) {
	case 0: // a 5xx burst
		n := 1 + s.rng.IntN(3)
		f := sfsim.Fault{Method: methods[s.rng.IntN(len(methods))], PathPrefix: data, Status: []int{500, 503}[s.rng.IntN(2)]}
		if s.rng.IntN(2) == 0 {
			f.RetryAfter = "1"
		}
		s.org.FailNextWith(n, f)
		st.faults = append(st.faults, fmt.Sprintf("%d×%d %s retry-after=%q", n, f.Status, orAny(f.Method), f.RetryAfter))
	case 1: // a 429 burst
		n := 1 + s.rng.IntN(3)
		f := sfsim.Fault{Method: methods[s.rng.IntN(len(methods))], PathPrefix: data, Status: 429, RetryAfter: []string{"1", "2"}[s.rng.IntN(2)]}
		s.org.FailNextWith(n, f)
		st.faults = append(st.faults, fmt.Sprintf("%d×429 %s retry-after=%q", n, orAny(f.Method), f.RetryAfter))
	case 2: // sessions expire, now or after a few requests
		if n := s.rng.IntN(5); n == 0 {
			s.org.ExpireSessions()
			st.faults = append(st.faults, "sessions expired")
		} else {
			s.org.ExpireSessionsAfter(n)
			st.faults = append(st.faults, fmt.Sprintf("sessions expire after %d requests", n))
			undo = func() { s.org.ClearFaults(); s.org.ExpireSessionsAfter(0) }
		}
	default: // the answer of the write is lost
		method := "POST"
		if exists {
			method = "PATCH"
		}
		var hold time.Duration
		if s.rng.IntN(2) == 0 {
			hold = time.Duration(s.rng.IntN(800)) * time.Millisecond
		}
		s.org.FailNextWith(1, sfsim.Fault{Method: method, PathPrefix: data, LoseAnswer: true, Hold: hold})
		st.faults = append(st.faults, fmt.Sprintf("lost answer of the next %s (held %s)", method, hold))
	}
	return undo
}

func orAny(method string) string {
	if method == "" {
		return "any"
	}
	return method
}

// setupEdit changes the body in Setup, keeping the rest of the record:
// as another user, or as the connector's own user with a body of another
// size (the same size would be the documented residual limit).
func (s *soak) setupEdit(st *soakStep, live *sfsim.Resource) {
	s.edits++
	label := fmt.Sprintf("edit%d", s.edits)
	by := "same user"
	if st.kind == stepEditOther {
		by = soakOtherName
	}
	// each edit has a size of its own, above every bundle's
	content := fmt.Sprintf("<p>%s in Setup by %s</p><!--%s-->", label, by, strings.Repeat("-", soakEditBase+7*s.edits))
	body := storedZip(s.t, "index.html", []byte(content))
	s.bodies[sum(body)] = label
	st.edit = label
	r := sfsim.Resource{ID: live.ID, Name: live.Name, ContentType: live.ContentType, CacheControl: live.CacheControl,
		Description: live.Description, Body: body, CreatedDate: live.CreatedDate}
	if st.kind == stepEditOther {
		r.LastModifiedByID, r.LastModifiedByName = soakOtherUser, soakOtherName
	}
	s.org.PutResource(r)
}

// describe is the step's line in the log.
func (st *soakStep) describe(s *soak) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s", st.index, st.kind)
	if st.edit != "" {
		fmt.Fprintf(&b, " → %s", st.edit)
	}
	for i, r := range st.runs {
		if i > 0 {
			b.WriteString(" ‖")
		}
		fmt.Fprintf(&b, " %s", r.actor.name)
		if v := st.versions[i]; v != nil {
			fmt.Fprintf(&b, " %s", v.label)
		}
		if st.force[i] {
			b.WriteString(" --force")
		}
		fmt.Fprintf(&b, ": %s", r)
	}
	if len(st.faults) > 0 {
		fmt.Fprintf(&b, " [%s]", strings.Join(st.faults, "; "))
	}
	var ws []string
	for _, w := range st.writes {
		ws = append(ws, fmt.Sprintf("%s %s→%s", w.op, s.label(w.before), s.label(w.after)))
	}
	if len(ws) > 0 {
		fmt.Fprintf(&b, " | org: %s", strings.Join(ws, ", "))
	}
	live := "none"
	if r := s.liveBody(); r != nil {
		live = s.label(sum(r.Body))
	}
	fmt.Fprintf(&b, " | live %s (%s", live, s.last.kind)
	if s.last.actor != "" {
		fmt.Fprintf(&b, " by %s", s.last.actor)
	}
	b.WriteString(")")
	return b.String()
}

// label names a body: a version, an edit, or an unknown body.
func (s *soak) label(bodySum string) string {
	if bodySum == "" {
		return "∅"
	}
	if l, ok := s.bodies[bodySum]; ok {
		return l
	}
	return "unknown:" + bodySum[:12]
}

// actorOfWrite is the actor whose run sent the body after (concurrent
// steps: the run whose version it is).
func (st *soakStep) actorOfWrite(after string) string {
	if len(st.runs) == 1 {
		return st.runs[0].actor.name
	}
	who := ""
	for i, v := range st.versions {
		if v == nil || v.sum != after {
			continue
		}
		// two concurrent publishes of the same version: the one that
		// wrote it says so (the other found it up to date)
		if res := st.runs[i].result(); res != nil && (res.Outcome == "updated" || res.Outcome == "created") {
			return st.runs[i].actor.name
		}
		if who == "" {
			who = st.runs[i].actor.name
		}
	}
	return who
}

// advance updates who wrote the live version from the step's writes.
func (s *soak) advance(st *soakStep) {
	for _, w := range st.writes {
		switch w.op {
		case sfsim.WritePut:
			s.last, s.setupDue = soakLastWrite{kind: "setup", version: s.label(w.after)}, true
		case sfsim.WriteCreate, sfsim.WriteUpdate:
			kind := "publish"
			if st.kind == stepRestore {
				kind = "restore"
			}
			s.last = soakLastWrite{kind: kind, actor: st.actorOfWrite(w.after), version: s.label(w.after)}
			s.setupDue = false
		default:
			s.last, s.setupDue = soakLastWrite{kind: "none"}, false
		}
	}
}

package main

// The soak's invariants, checked after every step, against the contract
// of issue 17 (the org is the record): error codes changed_outside,
// outcome_unknown and resource_exists, outcomes up_to_date, updated and
// created, and publish --json.
//
//	I1 at most one resource of that name
//	I2 its body (and every body written) is a bundle some actor sent or a Setup edit's body
//	I3 every body that was live and replaced by Connectors is in some backup
//	   (the backup zips of the laptops' folders and the CI runs' --backup-dir)
//	   once the step that replaced it ends
//	I3c the same as I3 for a body replaced by an overlapping publish of
//	   another actor (concurrent publishes: the same-second race that
//	   If-Unmodified-Since, at whole seconds, cannot see)
//	I3b a backup disappears only in a step that took a new one in its folder (rotation)
//	I4 a publish that exited 0 left its bundle live, unless another
//	   actor's write landed after it
//	I5 our own writes are never reported as changes by someone else: a
//	   publish failing with changed_outside, a changedOutside result, a
//	   status with drift or found.provenance changed_outside (or foreign),
//	   or "changed outside" in any output, while the
//	   live version was written by Connectors (no Setup edit since)
//	I5r the same as I5 when the live version is a Setup edit's body that a
//	   restore put back (with the description it had then)
//	I6 no token the org issued outside the keyring: none in the outputs, the
//	   config, backup, temporary and log folders
//	X1 a dry run writes nothing
//	X2 a publish whose write landed never says "nothing was written"
//	X3 a bundle live as Connectors published it is "up to date" from any
//	   folder and from CI: no write
//	X4 an update over a version published elsewhere (another laptop, CI)
//	   names it in "replaced" (its fingerprint)
//	X5 a restore that exited 0 left the version it restored live
//	X6 resource_exists never comes up (every write here is Connectors' or a
//	   Setup edit keeping Connectors' description)
//	X7 a publish whose write landed but whose answer was lost (not killed)
//	   adopts it (exit 0, updated or created) or fails with outcome_unknown
//	X8 a publish without --force (from a laptop or CI) never overwrites a
//	   Setup edit
//	H  the harness: exit codes 0, 1 or 3 (unless killed), JSON on stdout
//
// CONNECTORS_SOAK_ALLOW=ID,... reports those invariants without failing.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

func (s *soak) run() {
	start := time.Now()
	i := 0
	for ; ; i++ {
		if (s.set.steps > 0 && i >= s.set.steps) || (s.set.duration > 0 && time.Since(start) >= s.set.duration) {
			break
		}
		if i > 0 && i%100 == 0 && testing.Verbose() {
			fmt.Printf("soak: seed %d: %d steps in %s, %d violations\n", s.set.seed, i, time.Since(start).Round(time.Second), len(s.violations))
		}
		st := s.step(i)
		before := len(s.violations)
		s.check(st)
		line := st.describe(s)
		s.log = append(s.log, line)
		if s.set.verbose {
			s.log = append(s.log, "   requests: "+s.requestsOf(st))
		}
		s.tally["step "+st.kind]++
		for _, r := range st.runs {
			s.tally[fmt.Sprintf("%s: %s", r.args[0], r)]++
		}
		failed := false
		for _, v := range s.violations[before:] {
			if v.allowed {
				s.log = append(s.log, "   allowed "+v.id+": "+v.text)
				s.tally["allowed "+v.id]++
				continue
			}
			failed = true
			s.log = append(s.log, "   VIOLATION "+v.id+": "+v.text)
		}
		if failed && !s.set.keepGoing {
			s.report(i+1, time.Since(start))
			return
		}
	}
	s.report(i, time.Since(start))
}

func (s *soak) violate(st *soakStep, id, format string, args ...any) {
	s.violations = append(s.violations, soakViolation{step: st.index, id: id, text: fmt.Sprintf(format, args...), allowed: s.set.allow[id]})
}

// requestsOf lists the requests of the step (CONNECTORS_SOAK_VERBOSE).
func (s *soak) requestsOf(st *soakStep) string {
	var out []string
	for _, r := range st.requests {
		p := r.Path
		if i := strings.Index(p, "/services/data/"); i >= 0 {
			p = p[i+len("/services/data/"):]
		}
		if r.RawQuery != "" {
			p += "?" + safeExcerpt(r.RawQuery, 60)
		}
		e := fmt.Sprintf("%s %s %d", r.Method, p, r.Status)
		if r.LostStatus != 0 {
			e += fmt.Sprintf(" (answer %d lost)", r.LostStatus)
		}
		out = append(out, e)
	}
	return strings.Join(out, "; ")
}

// check checks every invariant after st.
func (s *soak) check(st *soakStep) {
	s.settle()
	all := s.org.Requests()
	st.requests = all[min(s.reqMark, len(all)):]
	s.reqMark = len(all)
	s.mu.Lock()
	st.writes, s.writes = s.writes, nil
	s.mu.Unlock()
	s.checkOrg(st)
	s.checkBackups(st)
	for i := range st.runs {
		s.checkRun(st, i)
	}
	s.checkTokens(st)
	s.advance(st)
	s.freezeCIRuns()
}

// freezeCIRuns marks the CI runs so far as final (see backupRoots).
func (s *soak) freezeCIRuns() {
	for _, a := range s.actors {
		if !a.ci || a.runs == s.ciDone {
			continue
		}
		runs := filepath.Join(a.root, "runs") + string(filepath.Separator)
		for p, h := range s.backups {
			if strings.HasPrefix(p, runs) {
				s.ciBackups[p] = h
			}
		}
		s.ciDone = a.runs
	}
}

// frozenRun: dir is the folder of a CI run marked final.
func (s *soak) frozenRun(dir string) bool {
	for _, a := range s.actors {
		if a.ci && filepath.Dir(dir) == filepath.Join(a.root, "runs") {
			n, err := strconv.Atoi(filepath.Base(dir))
			return err == nil && n <= s.ciDone
		}
	}
	return false
}

// checkOrg: I1, I2.
func (s *soak) checkOrg(st *soakStep) {
	n := 0
	for _, r := range s.org.Resources() {
		if strings.EqualFold(r.Name, connector.DefaultResourceName) {
			n++
			if _, ok := s.bodies[sum(r.Body)]; !ok {
				s.violate(st, "I2", "the live body (%d bytes) is no bundle any actor sent and no Setup edit", len(r.Body))
			}
		}
	}
	if n > 1 {
		s.violate(st, "I1", "%d resources named %s", n, connector.DefaultResourceName)
	}
	for _, w := range st.writes {
		if _, ok := s.bodies[w.after]; w.after != "" && !ok {
			s.violate(st, "I2", "a %s wrote a body that is no bundle any actor sent and no Setup edit", w.op)
		}
	}
}

// backupRoots are the folders where backups may be.
// The CI runs' folders before the step (up to ciDone) never change again:
// they are indexed once (ciBackups) and scanned once.
func (s *soak) backupRoots() []string {
	roots := []string{}
	for _, a := range s.actors {
		if a.ci {
			for n := s.ciDone + 1; n <= a.runs; n++ {
				roots = append(roots, filepath.Join(a.root, "runs", fmt.Sprint(n), "backups"))
			}
			continue
		}
		roots = append(roots, filepath.Join(a.dir, "backups"))
	}
	return roots
}

// indexBackups maps every backup zip (any .zip under a backup root, but
// not the copies of what was published) to its body's sum.
func (s *soak) indexBackups() map[string]string {
	idx := map[string]string{}
	for p, h := range s.ciBackups {
		idx[p] = h
	}
	for _, root := range s.backupRoots() {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil //nolint:nilerr // a missing folder holds no backup
			}
			if d.IsDir() {
				if d.Name() == "published" {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(p, ".zip") {
				return nil
			}
			if h, ok := s.backups[p]; ok {
				idx[p] = h
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return nil //nolint:nilerr // rotated away meanwhile
			}
			idx[p] = sum(b)
			return nil
		})
	}
	return idx
}

// checkBackups: I3, I3b.
func (s *soak) checkBackups(st *soakStep) {
	idx := s.indexBackups()
	have := map[string]bool{}
	for _, h := range idx {
		have[h] = true
	}
	for _, w := range st.writes {
		if w.op == sfsim.WritePut || w.before == "" || w.before == w.after {
			continue
		}
		if !have[w.before] {
			id := "I3"
			if st.concurrent && s.bodies[w.before] != "" && st.wroteInStep(w.before) {
				id = "I3c" // the other actor's write of this step
			}
			s.violate(st, id, "%s was replaced by %s (%s) and is in no backup", s.label(w.before), s.label(w.after), w.op)
		}
	}
	added := map[string]bool{}
	for p := range idx {
		if _, old := s.backups[p]; !old {
			added[filepath.Dir(p)] = true
		}
	}
	var gone []string
	for p := range s.backups {
		if _, ok := idx[p]; !ok && !added[filepath.Dir(p)] {
			gone = append(gone, p)
		}
	}
	sort.Strings(gone)
	for _, p := range gone {
		rel, _ := filepath.Rel(s.root, p)
		s.violate(st, "I3b", "the backup %s (%s) was deleted by a step that took no backup in its folder", rel, s.label(s.backups[p]))
	}
	s.backups = idx
}

// forcedSame: another run of the step publishes v with --force (whose
// write it may be).
func (st *soakStep) forcedSame(v *soakVersion) bool {
	for i, w := range st.versions {
		if w == v && st.force[i] {
			return true
		}
	}
	return false
}

// wroteInStep: some write of the step wrote body.
func (st *soakStep) wroteInStep(body string) bool {
	for _, w := range st.writes {
		if w.after == body {
			return true
		}
	}
	return false
}

// apiWrites are the step's writes by Connectors (not Setup).
func (st *soakStep) apiWrites() []soakWrite {
	var out []soakWrite
	for _, w := range st.writes {
		if w.op != sfsim.WritePut && w.op != sfsim.WriteRemove {
			out = append(out, w)
		}
	}
	return out
}

// checkRun checks one process of the step.
func (s *soak) checkRun(st *soakStep, i int) {
	r := st.runs[i]
	if r.killed {
		return
	}
	if r.code != exitOK && r.code != exitFailure && r.code != exitSkipped {
		s.violate(st, "H", "%s %s exited %d: %s", r.actor.name, r.args[0], r.code, safeExcerpt(r.stderr, 400))
		return
	}
	res := r.result()
	if res == nil && r.args[0] != "status" {
		if r.code == exitOK {
			s.violate(st, "H", "%s %s printed no JSON result: %q", r.actor.name, r.args[0], safeExcerpt(r.stdout, 300))
		}
		return
	}
	s.checkOutside(st, r, res)
	switch r.args[0] {
	case "publish":
		s.checkPublish(st, i, res)
	case "restore":
		s.checkRestore(st, r, res)
	}
}

// checkOutside: I5, X6.
func (s *soak) checkOutside(st *soakStep, r soakRun, res *soakResult) {
	var why []string
	if res != nil {
		if res.ErrorCode == connector.CodeChangedOutside {
			why = append(why, "errorCode changed_outside")
		}
		if res.ChangedOutside {
			why = append(why, "changedOutside")
		}
		if res.ErrorCode == connector.CodeResourceExists {
			s.violate(st, "X6", "%s %s: resource_exists over a resource Connectors published: %s", r.actor.name, r.args[0], res.Message)
		}
	}
	if r.args[0] == "status" {
		var sts []struct {
			Drift json.RawMessage `json:"drift"`
			Found *struct {
				Provenance string `json:"provenance"`
			} `json:"found"`
		}
		_ = json.Unmarshal([]byte(r.stdout), &sts)
		for _, x := range sts {
			if len(x.Drift) > 0 && string(x.Drift) != "null" {
				why = append(why, "status drift")
			}
			if x.Found != nil && (x.Found.Provenance == "changed_outside" || x.Found.Provenance == "foreign") {
				why = append(why, "status found."+x.Found.Provenance)
			}
		}
	}
	if strings.Contains(strings.ToLower(r.stdout+r.stderr), "changed outside") {
		why = append(why, `says "changed outside"`)
	}
	if len(why) > 0 && !st.setupDueStart {
		msg := ""
		if res != nil {
			msg = ": " + safeExcerpt(res.Message, 200)
		}
		id := "I5"
		if _, bundle := s.fps[st.liveStart]; st.lastStart.kind == "restore" && !bundle {
			id = "I5r"
		}
		s.violate(st, id, "%s %s reports a change outside Connectors (%s) although %s was written by Connectors (%s by %s)%s",
			r.actor.name, r.args[0], strings.Join(why, ", "), s.label(st.liveStart), st.lastStart.kind, st.lastStart.actor, msg)
	}
}

// checkPublish: I4, X1, X2, X3, X4.
func (s *soak) checkPublish(st *soakStep, i int, res *soakResult) {
	r, v := st.runs[i], st.versions[i]
	writes := st.apiWrites()
	if st.dryRun {
		if len(writes) > 0 {
			s.violate(st, "X1", "the dry run of %s wrote to the org", r.actor.name)
		}
		return
	}
	// the index of this run's last write of its bundle, and whether
	// another write landed after it
	mine := -1
	for j, w := range writes {
		if w.after == v.sum {
			mine = j
		}
	}
	laterOther := false
	for _, w := range writes[mine+1:] {
		laterOther = laterOther || w.after != v.sum
	}
	live := ""
	if lr := s.liveBody(); lr != nil {
		live = sum(lr.Body)
	}
	if r.code == exitOK && !laterOther && live != v.sum {
		s.violate(st, "I4", "%s's publish of %s exited 0 (%s) but %s is live", r.actor.name, v.label, res, s.label(live))
	}
	if st.setupDueStart && !st.force[i] && !st.forcedSame(v) {
		for _, w := range writes {
			if w.before == st.liveStart && w.after == v.sum {
				s.violate(st, "X8", "%s's publish of %s without --force overwrote %s, a Setup edit (%s)", r.actor.name, v.label, s.label(st.liveStart), res)
			}
		}
	}
	if r.code == exitFailure && mine >= 0 && !st.concurrent && strings.Contains(strings.ToLower(res.Message+" "+res.Error), "nothing was written") {
		s.violate(st, "X2", "%s's publish of %s landed but says: %s", r.actor.name, v.label, res.Message)
	}
	if !st.concurrent && !st.force[i] && st.liveStart == v.sum && st.lastStart.kind == "publish" && !st.setupDueStart {
		if len(writes) > 0 {
			s.violate(st, "X3", "%s uploaded %s again although it was live as %s published it (%s)", r.actor.name, v.label, st.lastStart.actor, res)
		} else if r.code == exitOK && res.Outcome != string(service.OutcomeUpToDate) {
			s.violate(st, "X3", "%s's publish of the live %s says %s, not up_to_date", r.actor.name, v.label, res.Outcome)
		}
	}
	s.checkReplaced(st, i, res, writes, mine)
	s.checkLostAnswer(st, i, res, mine)
}

// checkLostAnswer: X7.
func (s *soak) checkLostAnswer(st *soakStep, i int, res *soakResult, mine int) {
	r := st.runs[i]
	if st.concurrent || mine < 0 {
		return
	}
	lost := false
	for _, q := range st.requests {
		lost = lost || (q.LostStatus >= 200 && q.LostStatus < 300 && (q.Method == "PATCH" || q.Method == "POST"))
	}
	if !lost {
		return
	}
	adopted := r.code == exitOK && (res.Outcome == string(service.OutcomeUpdated) || res.Outcome == string(service.OutcomeCreated))
	if !adopted && res.ErrorCode != "outcome_unknown" {
		s.violate(st, "X7", "%s's write of %s landed but its answer was lost, and the publish says %s: %s", r.actor.name, st.versions[i].label, res, res.Message)
	}
}

// checkReplaced: X4.
func (s *soak) checkReplaced(st *soakStep, i int, res *soakResult, writes []soakWrite, mine int) {
	r := st.runs[i]
	if st.concurrent || r.code != exitOK || res.Outcome != string(service.OutcomeUpdated) || mine < 0 || writes[mine].before == writes[mine].after {
		return
	}
	before := writes[mine].before
	fp, isBundle := s.fps[before]
	if res.Replaced != nil && isBundle && res.Replaced.Fingerprint != fp {
		s.violate(st, "X4", "%s's update says it replaced %s, but it replaced %s (%s)", r.actor.name, res.Replaced.Fingerprint, s.label(before), fp)
	}
	elsewhere := st.lastStart.kind == "publish" && (st.lastStart.actor != r.actor.name || r.actor.ci) && !st.setupDueStart
	if elsewhere && isBundle && res.Replaced == nil {
		s.violate(st, "X4", "%s's update over %s (published by %s) does not name what it replaced", r.actor.name, s.label(before), st.lastStart.actor)
	}
}

// checkRestore: X5.
func (s *soak) checkRestore(st *soakStep, r soakRun, res *soakResult) {
	if r.code != exitOK || res.RestoredFrom == nil || res.RestoredFrom.Path == "" {
		return
	}
	b, err := os.ReadFile(res.RestoredFrom.Path)
	if err != nil {
		return // rotated away by the backup the restore took
	}
	if lr := s.liveBody(); lr == nil || !bytes.Equal(lr.Body, b) {
		s.violate(st, "X5", "%s's restore exited 0 but the version it restored (%s) is not live", r.actor.name, s.label(sum(b)))
	}
}

// checkTokens: I6, in the step's outputs and every file written since the
// last scan under the soak's folder (config, backups, temporary, logs).
func (s *soak) checkTokens(st *soakStep) {
	tokens := s.org.IssuedTokens()
	for _, r := range st.runs {
		for _, tok := range tokens {
			if strings.Contains(r.stdout+r.stderr, tok) {
				s.violate(st, "I6", "%s %s printed a token the org issued", r.actor.name, r.args[0])
			}
		}
	}
	_ = filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil //nolint:nilerr // gone meanwhile
		}
		if d.IsDir() {
			if s.frozenRun(p) {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil //nolint:nilerr // gone meanwhile
		}
		stamp := fmt.Sprintf("%d/%d", info.Size(), info.ModTime().UnixNano())
		if s.scanned[p] == stamp {
			return nil
		}
		s.scanned[p] = stamp
		b, err := os.ReadFile(p)
		if err != nil {
			return nil //nolint:nilerr // gone meanwhile
		}
		for _, tok := range tokens {
			if bytes.Contains(b, []byte(tok)) {
				rel, _ := filepath.Rel(s.root, p)
				s.violate(st, "I6", "%s holds a token the org issued", rel)
			}
		}
		return nil
	})
}

// report prints the outcome; a failure names the seed and the step to
// reproduce, with the step log.
func (s *soak) report(steps int, took time.Duration) {
	full := strings.Join(s.log, "\n") + "\n"
	if err := os.WriteFile(s.set.logFile, []byte(full), 0o600); err != nil {
		s.t.Logf("soak: cannot write the step log to %s: %v", s.set.logFile, err)
	}
	var keys []string
	for k := range s.tally {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sum strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&sum, "  %5d  %s\n", s.tally[k], k)
	}
	s.t.Logf("soak: seed %d, %d steps in %s; step log in %s\n%s", s.set.seed, steps, took.Round(time.Second), s.set.logFile, sum.String())
	var broken []soakViolation
	for _, v := range s.violations {
		if !v.allowed {
			broken = append(broken, v)
		}
	}
	if len(broken) == 0 {
		fmt.Printf("soak: seed %d, %d steps in %s: every invariant held\n", s.set.seed, steps, took.Round(time.Second))
		return
	}
	first := broken[0]
	byID := map[string][]soakViolation{}
	var ids []string
	for _, v := range broken {
		if byID[v.id] == nil {
			ids = append(ids, v.id)
		}
		byID[v.id] = append(byID[v.id], v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "soak: seed %d: invariant %s broken at step %d — reproduce with: make soak SEED=%d N=%d\n",
		s.set.seed, first.id, first.step, s.set.seed, first.step+1)
	for _, id := range ids {
		vs := byID[id]
		fmt.Fprintf(&b, "  %s: %d time(s), first at step %d: %s\n", id, len(vs), vs[0].step, vs[0].text)
	}
	tail := s.log
	if len(tail) > 60 {
		fmt.Fprintf(&b, "step log (last 60 lines; all %d in %s):\n", len(s.log), s.set.logFile)
		tail = tail[len(tail)-60:]
	} else {
		b.WriteString("step log:\n")
	}
	b.WriteString(strings.Join(tail, "\n"))
	s.t.Fatal(b.String())
}

// The soak's checks see what they are meant to: a token in a file or an
// output (I6), a replaced body in no backup (I3), a backup deleted by a
// step that took none (I3b).
func TestSoakChecksSeeViolations(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, soakKey) // the org issues tokens
	s := &soak{t: t, org: org, root: t.TempDir(), bodies: map[string]string{}, fps: map[string]string{},
		backups: map[string]string{}, ciBackups: map[string]string{}, scanned: map[string]string{}, tally: map[string]int{}}
	laptop := &soakActor{name: "laptopA", root: filepath.Join(s.root, "laptopA")}
	laptop.dir = filepath.Join(laptop.root, "config")
	s.actors = []*soakActor{laptop}
	ids := func() []string {
		var out []string
		for _, v := range s.violations {
			out = append(out, v.id)
		}
		s.violations = nil
		return out
	}

	tokens := org.IssuedTokens()
	require.NotEmpty(t, tokens)
	s.checkTokens(&soakStep{})
	require.Empty(t, ids(), "nothing leaked yet")
	require.NoError(t, os.MkdirAll(filepath.Join(laptop.root, "logs"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(laptop.root, "logs", "x.log"), []byte("token="+tokens[0]), 0o600))
	s.checkTokens(&soakStep{runs: []soakRun{{actor: laptop, args: []string{"status"}, stderr: "Bearer " + tokens[len(tokens)-1]}}})
	require.Equal(t, []string{"I6", "I6"}, ids(), "in an output and in a file")

	v1, v2 := storedZip(t, "index.html", []byte("v1")), storedZip(t, "index.html", []byte("v2"))
	s.bodies[sum(v1)], s.bodies[sum(v2)] = "v1", "v2"
	replaced := &soakStep{writes: []soakWrite{{op: sfsim.WriteUpdate, before: sum(v1), after: sum(v2)}}}
	s.checkBackups(replaced)
	require.Equal(t, []string{"I3"}, ids(), "v1 is in no backup")
	store := filepath.Join(laptop.dir, "backups", "soak-x", "walkme_content")
	require.NoError(t, os.MkdirAll(filepath.Join(store, "published"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(store, "published", "copy.zip"), v1, 0o600))
	s.checkBackups(replaced)
	require.Equal(t, []string{"I3"}, ids(), "a published copy is no backup")
	require.NoError(t, os.WriteFile(filepath.Join(store, "20260101T000000.000000000Z_aaaaaaaaaaaa.zip"), v1, 0o600))
	s.checkBackups(replaced)
	require.Empty(t, ids())
	require.NoError(t, os.Remove(filepath.Join(store, "20260101T000000.000000000Z_aaaaaaaaaaaa.zip")))
	s.checkBackups(&soakStep{})
	require.Equal(t, []string{"I3b"}, ids(), "a backup deleted by a step that took none")
}

package ui

// The publish plan (what a publish will change, file by file) and drift
// (a resource changed outside Connectors): shown before publishing, and
// asked about before publishing over it.

import (
	"context"
	"fmt"
	"strings"

	"github.com/connectors-app/connectors/connector/service"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/connectors-app/connectors/connector"
)

// maxPlanFiles bounds the files listed per target in the plan dialog.
const maxPlanFiles = 12

// planUI is the plan button and the open plan dialog (for tests).
type planUI struct {
	reviewBtn  *button
	dialog     *choiceDialog
	content    fyne.CanvasObject
	forceNext  bool // the next publish may replace a change made outside Connectors
	driftAsk   *choiceDialog
	driftKeys  []connector.Key
	reviewKeys []connector.Key
}

func (s *publishScreen) newReviewButton() *button {
	s.plan.reviewBtn = btn(&button{Button: widget.Button{Text: lang.L("Review changes…"), Icon: theme.VisibilityIcon(), OnTapped: s.onReview}})
	return s.plan.reviewBtn
}

// onReview runs a dry run on the targets and shows the plan; its Publish
// button publishes (production targets are still confirmed by name).
func (s *publishScreen) onReview() {
	keys := s.targetKeys()
	if s.running || s.bundle == nil || len(keys) == 0 || s.act.svc() == nil {
		return
	}
	b := s.bundle
	s.plan.reviewBtn.Disable()
	s.act.goWork(func(ctx context.Context) {
		results := s.act.svc().PublishMany(ctx, keys, b, service.PublishOptions{DryRun: true}, nil)
		s.act.do(func() {
			s.plan.reviewBtn.Enable()
			s.showPlan(keys, results)
		})
	})
}

// showPlan shows what publishing would change on each target.
func (s *publishScreen) showPlan(keys []connector.Key, results []service.PublishResult) {
	box := container.NewVBox()
	drift, todo := false, false
	for i, r := range results {
		k := r.Key
		if k == (connector.Key{}) && i < len(keys) {
			k = keys[i]
		}
		box.Add(&widget.Label{Text: keyText(k) + " · " + r.Resource, TextStyle: fyne.TextStyle{Bold: true}})
		switch r.Outcome {
		case service.OutcomeUpToDate:
			box.Add(widget.NewLabel(lang.L("Already up to date: nothing to publish.")))
			continue
		case service.OutcomeFailed:
			msg := r.Error
			if r.Problem != nil {
				msg, _ = problemText(r.Problem)
			}
			box.Add(&widget.Label{Text: msg, Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance})
			continue
		}
		todo = true
		if r.ChangedOutside && r.Drift != nil {
			drift = true
			box.Add(container.NewBorder(nil, nil, container.NewCenter(newStatusBadge(lang.L("Changed outside Connectors"), toneWarn)), nil,
				&widget.Label{Wrapping: fyne.TextWrapWord, Text: driftText(r.Resource, r.Drift)}))
		}
		if p := r.Plan; p != nil {
			box.Add(widget.NewLabel(planSummary(p)))
			box.Add(planFiles(p))
		}
	}
	s.plan.reviewKeys = keys
	if !todo {
		d := newInformation(lang.L("Already up to date"), lang.L("The org already has this bundle: nothing to publish."), s.act.win())
		s.act.track(d, d.Default)
		d.Show()
		return
	}
	scroll := container.NewVScroll(box)
	scroll.SetMinSize(fyne.NewSize(520, 320))
	s.plan.content = box
	d := newCustomConfirm(lang.L("What this publish changes"), lang.L("Publish"), lang.L("Cancel"), scroll, func(yes bool) {
		s.plan.dialog = nil
		if yes {
			s.plan.forceNext = drift
			s.publishTo(keys)
		}
	}, s.act.win())
	if drift {
		d.SetConfirmImportance(widget.DangerImportance)
		d.SetConfirmText(lang.L("Publish over the change"))
	}
	s.plan.dialog = d
	s.act.track(d, d.Default)
	d.Show()
}

// planSummary is "2 added, 1 removed, 3 changed, 10 unchanged", and where
// the org's version was read.
func planSummary(p *service.Plan) string {
	counts := lang.L("{{.Added}} added, {{.Removed}} removed, {{.Changed}} changed, {{.Unchanged}} unchanged", map[string]any{
		"Added": p.Added, "Removed": p.Removed, "Changed": p.Changed, "Unchanged": p.Unchanged})
	switch {
	case p.Source == service.PlanSourceNone:
		return counts + " · " + lang.L("new resource")
	case p.OrgNotBundle:
		return counts + " · " + lang.L("the org's version is not a ZIP: replaced as a whole")
	}
	return counts
}

// planFiles lists the changed files with their sizes (in English, as the
// plan always showed them).
func planFiles(p *service.Plan) fyne.CanvasObject {
	var lines []string
	for i, c := range p.Files {
		if i == maxPlanFiles {
			lines = append(lines, lang.L("… and {{.Count}} more", map[string]any{"Count": len(p.Files) - i}))
			break
		}
		switch c.Change {
		case service.ChangeAdded:
			lines = append(lines, fmt.Sprintf("+ %s (%s)", c.Path, humanSize(c.NewSize)))
		case service.ChangeRemoved:
			lines = append(lines, fmt.Sprintf("− %s (%s)", c.Path, humanSize(c.OldSize)))
		default:
			lines = append(lines, fmt.Sprintf("~ %s (%s → %s)", c.Path, humanSize(c.OldSize), humanSize(c.NewSize)))
		}
	}
	return &widget.Label{Text: strings.Join(lines, "\n"), TextStyle: fyne.TextStyle{Monospace: true}}
}

// driftText says when and by whom the resource was changed outside Connectors.
func driftText(resource string, d *connector.Drift) string {
	if d.Deleted {
		return lang.L("{{.Resource}} was deleted outside Connectors since your last publish.", map[string]any{"Resource": resource})
	}
	return lang.L("{{.Resource}} was changed outside Connectors on {{.Date}} by {{.User}}. Publishing replaces that change; it is backed up on this computer first.",
		map[string]any{"Resource": resource, "Date": formatTime(d.LastModifiedDate), "User": userText(d.By())})
}

// askDrift asks before publishing over resources changed outside
// Connectors (the publish refused them): Publish over the change publishes
// again to those targets with Force (each is backed up first).
func (s *publishScreen) askDrift(results []service.PublishResult) {
	var lines []string
	keys := make([]connector.Key, 0, len(results))
	for _, r := range results {
		lines = append(lines, keyText(r.Key)+": "+driftText(r.Resource, r.Drift))
		keys = append(keys, r.Key)
	}
	d := newConfirm(lang.L("Changed outside Connectors"), strings.Join(lines, "\n\n"), func(yes bool) {
		s.plan.driftAsk = nil
		if yes {
			s.plan.forceNext = true
			s.publishTo(keys)
		}
	}, s.act.win())
	d.SetConfirmText(lang.L("Publish over the change"))
	d.SetDismissText(lang.L("Cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	s.plan.driftAsk, s.plan.driftKeys = d, keys
	s.act.track(d, d.Default)
	d.Show()
}

// takeForce reports whether this publish may replace changes made outside
// Connectors, once.
func (s *publishScreen) takeForce() bool {
	f := s.plan.forceNext
	s.plan.forceNext = false
	return f
}

// driftOf is c's drift (its resource changed outside Connectors), or nil:
// as the live status found it when newer than our last publish, else as
// last recorded (connector.CurrentDrift is the rule).
func driftOf(c connector.Connector, live map[connector.Key]connector.Status) *connector.Drift {
	if st, ok := live[c.Key()]; ok {
		return connector.CurrentDrift(c, &st)
	}
	return connector.CurrentDrift(c, nil)
}

// driftShort is "Jane Doe, 2026-11-29 11:51" for the list row.
func driftShort(d *connector.Drift) string {
	if d.Deleted {
		return lang.L("deleted outside Connectors")
	}
	return lang.L("changed by {{.User}} on {{.Date}}", map[string]any{"User": userText(d.By()), "Date": formatTime(d.LastModifiedDate)})
}

// servedText is what developers need of a published resource: how pages
// reference it ($Resource…, @salesforce/resourceUrl…) and where it is
// served, or "". The window shows it under "For developers".
func servedText(s *service.Served) string {
	if s == nil {
		return ""
	}
	text := lang.L("Pages use it as {{.Visualforce}} or {{.Lightning}}, served at {{.Path}}/…", map[string]any{
		"Visualforce": s.Visualforce, "Lightning": s.Lightning, "Path": s.Path})
	if s.FileURL != "" {
		text += "\n" + s.FileURL
	}
	return text
}

// cacheText says, in plain words, how long pages may still show the
// previous version (§Serving), or "".
func cacheText(s *service.Served) string {
	if s == nil {
		return ""
	}
	return lang.L("Pages may show the previous version for a while: Lightning pages for up to about 10 minutes, Experience Cloud sites for up to a day.")
}

package connector

// What a publish asks the org itself before it writes, rather than trusting
// a file: whether the org is a production org (Organization.IsSandbox), and
// how much of its daily API budget is left (Sforce-Limit-Info). A connectors
// file or a registry entry may say "sandbox"; only the org decides.

import (
	"strings"
	"sync"
	"time"

	"github.com/connectors-app/connectors/connector/salesforce"
)

// OrgFacts is what this process learned live from each org, by org ID (its
// first 15 characters): whether it is a sandbox (fixed for an org ID: a
// refreshed sandbox gets a new ID), and its last known API usage.
type OrgFacts struct {
	mu      sync.Mutex
	sandbox map[string]bool
	usage   map[string]knownUsage
}

// knownUsage is an org's API usage as an answer reported it, and when.
type knownUsage struct {
	APIUsage
	at time.Time
}

func orgKey(id string) string {
	id = strings.TrimSpace(id)
	if len(id) > 15 {
		id = id[:15]
	}
	return id
}

func (f *OrgFacts) Kind(orgID string) (sandbox, known bool) {
	if orgKey(orgID) == "" {
		return false, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	sandbox, known = f.sandbox[orgKey(orgID)]
	return sandbox, known
}

func (f *OrgFacts) SetKind(orgID string, sandbox bool) {
	if orgKey(orgID) == "" {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sandbox == nil {
		f.sandbox = map[string]bool{}
	}
	f.sandbox[orgKey(orgID)] = sandbox
}

func (f *OrgFacts) NoteUsage(orgID string, u *salesforce.Usage, at time.Time) {
	if orgKey(orgID) == "" || u == nil || u.Max <= 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.usage == nil {
		f.usage = map[string]knownUsage{}
	}
	if old, ok := f.usage[orgKey(orgID)]; ok && old.at.After(at) {
		return
	}
	f.usage[orgKey(orgID)] = knownUsage{APIUsage: APIUsage{Used: u.Used, Max: u.Max}, at: at}
}

// usageFresh is how long an answer's API usage stands for the org's
// budget without asking again (the next targets of a batch, not the next
// publish an hour later).
const usageFresh = time.Minute

// lastUsage is the org's usage an answer told less than usageFresh before now.
func (f *OrgFacts) LastUsage(orgID string, now time.Time) (knownUsage, bool) {
	if orgKey(orgID) == "" {
		return knownUsage{}, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.usage[orgKey(orgID)]
	if !ok || now.Sub(u.at) > usageFresh {
		return knownUsage{}, false
	}
	return u, true
}

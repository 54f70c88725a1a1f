package service

// The flows' names the front ends use, so that they speak to one façade.
// Generated from what cmd/connectorctl, ui and main use; each is an alias.

import (
	"github.com/connectors-app/connectors/connector/auth"
	"github.com/connectors-app/connectors/connector/health"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/watch"
)

type (
	AuthFlow         = auth.AuthFlow
	AuthorizeOptions = auth.AuthorizeOptions
	AuthorizeResult  = auth.AuthorizeResult
	Backup           = publish.Backup
	BrowserPages     = auth.BrowserPages
	Bundle           = publish.Bundle
	DisconnectResult = auth.DisconnectResult
	FleetRow         = health.FleetRow
	HeadlessOptions  = auth.HeadlessOptions
	Plan             = publish.Plan
	PublishOptions   = publish.PublishOptions
	PublishOutcome   = publish.PublishOutcome
	PublishResult    = publish.PublishResult
	RestoreOptions   = publish.RestoreOptions
	Served           = publish.Served
	WatchEvent       = watch.WatchEvent
	WatchOptions     = watch.WatchOptions
)

const (
	ChangeAdded             = publish.ChangeAdded
	ChangeRemoved           = publish.ChangeRemoved
	DefaultAuthorizeTimeout = auth.DefaultAuthorizeTimeout
	DefaultWatchQuiet       = watch.DefaultWatchQuiet
	FleetConcurrency        = health.FleetConcurrency
	OutcomeCreated          = publish.OutcomeCreated
	OutcomeFailed           = publish.OutcomeFailed
	OutcomeSkipped          = publish.OutcomeSkipped
	OutcomeUpToDate         = publish.OutcomeUpToDate
	OutcomeUpdated          = publish.OutcomeUpdated
	OutcomeWouldCreate      = publish.OutcomeWouldCreate
	OutcomeWouldUpdate      = publish.OutcomeWouldUpdate
	PlanSourceDownload      = publish.PlanSourceDownload
	PlanSourceLocalCopy     = publish.PlanSourceLocalCopy
	PlanSourceNone          = publish.PlanSourceNone
	WatchBack               = watch.WatchBack
	WatchGone               = watch.WatchGone
	WatchInvalid            = watch.WatchInvalid
	WatchPublished          = watch.WatchPublished
	WatchStarted            = watch.WatchStarted
	WatchUnchanged          = watch.WatchUnchanged
)

// Package service is the one façade the front ends (the window in package
// ui, the command line in cmd/connectorctl) speak to: a Service wires the
// flows (auth, publish, health, watch) over one connector.Runtime, and
// api.go names the flows' types the front ends use.
package service

import (
	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/auth"
	"github.com/connectors-app/connectors/connector/health"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/connector/watch"
)

// Service ties the registry, the token store and the network together.
// Create it with NewService; all methods are safe for concurrent use.
// Its settings are the Runtime's fields, shared by every flow; its methods
// are the flows'.
type Service struct {
	*connector.Runtime
	*auth.Sessions
	*publish.Publisher
	*health.Checker
	*watch.Watcher
}

// NewService opens the registry in cfgDir ("" = default) and uses tokens.
func NewService(cfgDir string, tokens tokenstore.Store) (*Service, error) {
	reg, err := connector.OpenRegistry(cfgDir)
	if err != nil {
		return nil, err
	}
	return New(&connector.Runtime{
		Registry:              reg,
		Tokens:                tokens,
		AllowInsecureLoopback: true,
		CheckTimeout:          connector.DefaultCheckTimeout,
	}), nil
}

// New wires the flows over rt.
func New(rt *connector.Runtime) *Service {
	sessions := auth.NewSessions(rt)
	publisher := publish.NewPublisher(rt, sessions)
	return &Service{
		Runtime:   rt,
		Sessions:  sessions,
		Publisher: publisher,
		Checker:   health.NewChecker(rt, sessions, publisher),
		Watcher:   watch.NewWatcher(rt, publisher),
	}
}

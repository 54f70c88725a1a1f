package connector

import (
	"net"
	"net/http"
	"time"

	"github.com/connectors-app/connectors/connector/tokenstore"
)

// DefaultCheckTimeout bounds one live status check.
const DefaultCheckTimeout = 15 * time.Second

// NewService opens the registry in cfgDir ("" = default) and uses tokens.
func NewService(cfgDir string, tokens tokenstore.Store) (*Service, error) {
	reg, err := OpenRegistry(cfgDir)
	if err != nil {
		return nil, err
	}
	return &Service{
		Registry:              reg,
		Tokens:                tokens,
		AllowInsecureLoopback: true,
		CheckTimeout:          DefaultCheckTimeout,
	}, nil
}

// defaultHTTPClient honours HTTPS_PROXY/NO_PROXY, with sane timeouts; the
// overall request time is bounded by each call's context.
var defaultHTTPClient = &http.Client{
	Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ExpectContinueTimeout: time.Second,
	},
}

func (s *Service) httpClient() *http.Client {
	if s.HTTPClient != nil {
		return s.HTTPClient
	}
	return defaultHTTPClient
}

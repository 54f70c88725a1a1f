package tokenstore

import (
	"maps"
	"slices"
	"sync"
)

// Memory is a Store that keeps tokens in process memory only: for tests,
// and for the demo when the user explicitly chooses not to use the keyring.
// It is safe for concurrent use.
type Memory struct {
	mu sync.Mutex
	m  map[string]Tokens
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty in-memory Store.
func NewMemory() *Memory { return &Memory{m: make(map[string]Tokens)} }

// Load returns a copy of the tokens stored for key, or ErrNotFound.
func (s *Memory) Load(key string) (*Tokens, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[key]
	if !ok {
		return nil, ErrNotFound
	}
	return &t, nil
}

// Save stores a copy of t under key, replacing any previous value.
func (s *Memory) Save(key string, t *Tokens) error {
	if t == nil {
		return errNilTokens
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = *t
	return nil
}

// Delete removes the tokens for key; it returns nil when there are none.
func (s *Memory) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
	return nil
}

// Backend names the storage for diagnostics.
func (s *Memory) Backend() string { return "memory (this session only)" }

// DeleteAll removes every entry.
func (s *Memory) DeleteAll() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.m)
	return nil
}

// Keys lists the keys that hold tokens, sorted (for tests and diagnostics:
// keys are never secret).
func (s *Memory) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.m))
}

package tokenstore

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleTokens(n int) *Tokens {
	return &Tokens{
		AccessToken:  fmt.Sprintf("00D000000000001!access-%d", n),
		RefreshToken: fmt.Sprintf("5Aep861refresh%d", n),
		InstanceURL:  "https://acme.my.salesforce.com",
		IssuedAt:     time.Date(2026, 11, 24, 12, 0, n, 0, time.UTC),
	}
}

func TestMemory(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, s *Memory)
	}{
		{"load absent is ErrNotFound", func(t *testing.T, s *Memory) {
			_, err := s.Load("Lightning/Sandbox")
			require.ErrorIs(t, err, ErrNotFound)
		}},
		{"save then load round-trips", func(t *testing.T, s *Memory) {
			require.NoError(t, s.Save("Lightning/Sandbox", sampleTokens(1)))
			got, err := s.Load("Lightning/Sandbox")
			require.NoError(t, err)
			assert.Equal(t, sampleTokens(1), got)
		}},
		{"save replaces", func(t *testing.T, s *Memory) {
			require.NoError(t, s.Save("k", sampleTokens(1)))
			require.NoError(t, s.Save("k", sampleTokens(2)))
			got, err := s.Load("k")
			require.NoError(t, err)
			assert.Equal(t, sampleTokens(2), got)
		}},
		{"keys are independent", func(t *testing.T, s *Memory) {
			require.NoError(t, s.Save("a", sampleTokens(1)))
			require.NoError(t, s.Save("b", sampleTokens(2)))
			require.NoError(t, s.Delete("a"))
			_, err := s.Load("a")
			require.ErrorIs(t, err, ErrNotFound)
			got, err := s.Load("b")
			require.NoError(t, err)
			assert.Equal(t, sampleTokens(2), got)
		}},
		{"delete absent is nil", func(t *testing.T, s *Memory) {
			require.NoError(t, s.Delete("never-saved"))
		}},
		{"stored value is a copy", func(t *testing.T, s *Memory) {
			tok := sampleTokens(1)
			require.NoError(t, s.Save("k", tok))
			tok.AccessToken = "mutated"
			got, err := s.Load("k")
			require.NoError(t, err)
			assert.Equal(t, sampleTokens(1).AccessToken, got.AccessToken)
			got.RefreshToken = "mutated"
			again, err := s.Load("k")
			require.NoError(t, err)
			assert.Equal(t, sampleTokens(1).RefreshToken, again.RefreshToken)
		}},
		{"save nil is refused", func(t *testing.T, s *Memory) {
			require.Error(t, s.Save("k", nil))
			_, err := s.Load("k")
			require.ErrorIs(t, err, ErrNotFound)
		}},
		{"backend name", func(t *testing.T, s *Memory) {
			assert.Equal(t, "memory (this session only)", s.Backend())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, NewMemory()) })
	}
}

func TestMemoryConcurrent(t *testing.T) {
	s := NewMemory()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// goroutines share the map; each owns its key, so a Load
			// right after its own Save must find it (another goroutine's
			// Delete of a shared key made this test flaky)
			key := fmt.Sprintf("k%d", i)
			for j := range 50 {
				assert.NoError(t, s.Save(key, sampleTokens(j)))
				got, err := s.Load(key)
				if assert.NoError(t, err) {
					assert.Equal(t, sampleTokens(j).AccessToken, got.AccessToken)
				}
				if j%10 == 0 {
					assert.NoError(t, s.Delete(key))
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkMemorySaveLoad(b *testing.B) {
	s := NewMemory()
	tok := sampleTokens(1)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Save("k", tok); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Load("k"); err != nil {
			b.Fatal(err)
		}
	}
}

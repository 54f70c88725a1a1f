package connector

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConfirmsProduction(t *testing.T) {
	tests := []struct {
		answer   string
		accepted []string
		want     bool
	}{
		{"Acme Corp", []string{"Acme Corp"}, true},
		{"  acme corp \n", []string{"Acme Corp"}, true},
		{"YES", []string{"yes", "Acme Corp"}, true},
		{"yes", []string{"Acme Corp"}, false},
		{"Acme", []string{"Acme Corp"}, false},
		{"", []string{"", "Acme"}, false},
		{"anything", nil, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ConfirmsProduction(tt.answer, tt.accepted...), "%q %q", tt.answer, tt.accepted)
	}
}

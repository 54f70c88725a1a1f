package ui

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connectors-app/connectors/connector"
)

// TestStateLabelsTranslated: the window shows the domain's one label of
// each state (connector.State.Label), and each has its French.
func TestStateLabelsTranslated(t *testing.T) {
	fr := readTranslation(t, "fr.json")
	useLanguage(t, "en_US.UTF-8")
	for _, s := range connector.States() {
		assert.Equal(t, s.Label(), stateText(s), s)
		assert.NotEmpty(t, fr["format.state."+string(s)], "fr.json lacks format.state.%s", s)
	}
	assert.Equal(t, "Checking…", stateText(""))
	assert.Equal(t, "Needs re-authorization", scenarioText("needs-reauth"))
	useLanguage(t, "fr_FR.UTF-8")
	for _, s := range connector.States() {
		assert.Equal(t, fr["format.state."+string(s)], stateText(s), s)
	}
	assert.Equal(t, "À réautoriser", scenarioText("needs-reauth"))
}

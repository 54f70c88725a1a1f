package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"

	"github.com/connectors-app/connectors/connector"
)

// TestSearchGroupsAndSelectsSandboxes: with many connectors, production
// targets come first (marked), the search filters by system, org name or
// org ID, and "Tick all sandboxes" ticks every shown non-production one.
func TestSearchGroupsAndSelectsSandboxes(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	a := test.NewTempApp(t)
	v := newView(a, nil, Deps{StatusInterval: -1})
	w := test.NewTempWindow(t, v.build())
	v.win = w
	w.Resize(fyne.NewSize(1000, 700))
	list := manyConnectors(20)
	v.setConnectors(list)

	shownKeys := func() []connector.Key {
		var out []connector.Key
		for _, i := range v.list.shown {
			out = append(out, v.connectors[i].Key())
		}
		return out
	}
	keys := shownKeys()
	assert.Len(t, keys, 20)
	assert.Equal(t, []connector.Key{list[0].Key(), list[10].Key()}, keys[:2], "production first")
	for _, k := range keys[2:] {
		assert.NotEqual(t, connector.Production, k.Environment)
	}

	test.Type(v.list.search, "client 01")
	assert.Equal(t, []connector.Key{list[10].Key(), list[11].Key(), list[12].Key(), list[13].Key(),
		list[14].Key(), list[15].Key(), list[16].Key(), list[17].Key(), list[18].Key(), list[19].Key()}, shownKeys())
	v.list.search.SetText("00D000000000000007")
	assert.Equal(t, []connector.Key{list[7].Key()}, shownKeys(), "by org ID")
	v.list.search.SetText("corp")
	assert.Len(t, shownKeys(), 20)

	v.list.search.SetText("client 01")
	test.Tap(v.list.selectSbx)
	ticked := v.list.checkedKeys()
	assert.Len(t, ticked, 9, "the sandboxes shown, not Client 010 (production) nor hidden ones")
	for _, k := range ticked {
		assert.Equal(t, connector.Sandbox, k.Environment)
	}
	assert.Equal(t, "9 targets", v.pub.sumCount.Text)
}

package connector

// DisplayName is the org's name, or "name unknown" when the org could not
// tell it (its name is only readable through the API): never the org ID
// passed off as a name.
func (o *OrgInfo) DisplayName() string {
	if o == nil || o.OrgName == "" {
		return "name unknown"
	}
	return o.OrgName
}

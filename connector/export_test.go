package connector

// Test-only settings of the Service's unexported seams: production code
// has no way to reach them.

// setDoctorPorts makes Doctor check these callback ports instead of the
// connectors' own.
func (s *Service) setDoctorPorts(ports ...int) { s.doctorPorts = ports }

// setKeyringProbe replaces Doctor's keyring round trip.
func (s *Service) setKeyringProbe(probe func(service string) error) { s.probeKeyring = probe }

// setOrgStorageLimit lowers the publish preflight's org storage limit.
func (s *Service) setOrgStorageLimit(n int64) { s.orgStorageLimit = n }

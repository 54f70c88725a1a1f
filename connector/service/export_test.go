package service

// Test-only settings of the flows' seams: production code has no way to
// reach them.

// setDoctorPorts makes Doctor check these callback ports instead of the
// connectors' own.
func (s *Service) setDoctorPorts(ports ...int) { s.SetDoctorPorts(ports...) }

// setKeyringProbe replaces Doctor's keyring round trip.
func (s *Service) setKeyringProbe(probe func(service string) error) { s.SetKeyringProbe(probe) }

// setOrgStorageLimit lowers the publish preflight's org storage limit.
func (s *Service) setOrgStorageLimit(n int64) { s.SetOrgStorageLimit(n) }

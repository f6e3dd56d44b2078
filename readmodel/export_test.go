package readmodel

// SetPageSize makes s list visibility in pages of n runs, so a test pages
// through a handful of runs.
func SetPageSize(s *Service, n int) { s.pageSize = n }

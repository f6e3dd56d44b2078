package readmodel

import "time"

// SetPageSize makes s list visibility in pages of n runs, so a test pages
// through a handful of runs.
func SetPageSize(s *Service, n int) { s.pageSize = n }

// SetCloseOverlap sets how far before the last pass an incremental pass
// reaches back, so a test sees exactly which closed runs it reads.
func SetCloseOverlap(s *Service, d time.Duration) { s.closeOverlap = &d }

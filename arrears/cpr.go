package arrears

import "helhed/danish"

// The CPR rule is danish.LooksLikeCPR; these two names stay for callers
// outside this package (the eviction workflow's input check and inbox).
// New code calls the danish package.

// LooksLikeCPR is danish.LooksLikeCPR.
func LooksLikeCPR(s string) bool { return danish.LooksLikeCPR(s) }

// RedactCPR is danish.RedactCPR.
func RedactCPR(s string) string { return danish.RedactCPR(s) }

package report

// CheckReportHTML is checkReportHTML for the end-to-end test (package
// report_test, which may import app).
var CheckReportHTML = checkReportHTML

// PNGInk is pngInk for the end-to-end test.
var PNGInk = pngInk

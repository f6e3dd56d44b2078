package operator

import "testing"

// TestReturnPath: a form's "return" field is followed only to a path
// under /operator/ of this site; other hosts, schemes, "//host", dot
// segments (also percent-encoded), backslashes and control characters
// are refused, so the Update's redirect cannot leave the operator pages.
func TestReturnPath(t *testing.T) {
	for raw, want := range map[string]string{
		"/operator/tasks?status=open&partner=p1": "/operator/tasks?status=open&partner=p1",
		"/operator/reports":                      "/operator/reports",
		"/operator/":                             "/operator/",
		"/operator/runs/eviction%2Fx":            "/operator/runs/eviction%2Fx",
	} {
		if u, ok := returnPath(raw); !ok || u.String() != want {
			t.Errorf("returnPath(%q) = %v, %v; want %s", raw, u, ok, want)
		}
	}
	for _, raw := range []string{
		"", "/", "/api/v1/cases", "https://evil.example/operator/", "//evil.example/operator/",
		"/operator//evil.example", "/operator/../api/v1/runs", "/operator/%2e%2e/api", "/operator/./tasks",
		"/operator\\evil", "/operator/tasks\\..\\x", "/operator/tasks\r\nLocation: //evil", "/operator/tasks#x",
		"/operatorx/tasks", "operator/tasks", "javascript:alert(1)//operator/",
	} {
		if u, ok := returnPath(raw); ok {
			t.Errorf("returnPath(%q) = %v, want refused", raw, u)
		}
	}
}

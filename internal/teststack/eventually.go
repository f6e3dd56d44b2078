package teststack

import (
	"testing"
	"time"
)

// Eventually polls cond until it returns nil (the read model and e-mails
// follow an acknowledged start or Update by a moment). The limit is
// generous because the machine is shared; it is no performance check.
func Eventually(t testing.TB, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

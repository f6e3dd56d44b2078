package readmodel

import "sync"

// Writes are the writes of a Model a projection makes; a projection that
// takes Writes can be run into a recorder in tests (cycletest.ReadModel)
// and compared with what the live activities left in Redis.
type Writes interface {
	Set(key string, v any)
	HSet(key, field string, v any)
	SAdd(key string, members ...string)
	ZAdd(key, member string, score float64)
}

var _ Writes = (*Model)(nil)

// Gather collects what a Reconciler's projections see during one
// reconcile, for read models in which one run's keys depend on other runs
// (a member's latest figure over the year's rounds, a summary of the plan
// year's quarters): Project adds each run, Finish takes them all and
// writes the model. Entries are kept per Model, so reconciles running at
// the same time in one process do not mix.
type Gather[T any] struct {
	mu sync.Mutex
	m  map[*Model][]T
}

// Add keeps v for the reconcile building m.
func (g *Gather[T]) Add(m *Model, v T) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = map[*Model][]T{}
	}
	g.m[m] = append(g.m[m], v)
}

// Take returns and forgets what was kept for m.
func (g *Gather[T]) Take(m *Model) []T {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := g.m[m]
	delete(g.m, m)
	return out
}

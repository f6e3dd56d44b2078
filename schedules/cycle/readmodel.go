package cycle

import (
	"sync"

	"helhed/readmodel"
)

// Writes are the writes of a readmodel.Model a cycle's projection makes;
// tests record them with cycletest.ReadModel.
type Writes interface {
	Set(key string, v any)
	HSet(key, field string, v any)
	SAdd(key string, members ...string)
	ZAdd(key, member string, score float64)
}

var _ Writes = (*readmodel.Model)(nil)

// Gather collects what a cycle's read-model projections see during one
// reconcile, for read models in which one run's keys depend on other runs
// (a member's latest figure over the year's rounds, a summary of the plan
// year's quarters): the Reconciler's Project adds each run, its Finish takes
// them all and writes the model. Entries are kept per Model, so reconciles
// running at the same time in one process do not mix.
type Gather[T any] struct {
	mu sync.Mutex
	m  map[*readmodel.Model][]T
}

// Add keeps v for the reconcile building m.
func (g *Gather[T]) Add(m *readmodel.Model, v T) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = map[*readmodel.Model][]T{}
	}
	g.m[m] = append(g.m[m], v)
}

// Take returns and forgets what was kept for m.
func (g *Gather[T]) Take(m *readmodel.Model) []T {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := g.m[m]
	delete(g.m, m)
	return out
}

package readmodel

// Totals is an optional Reconciler extension for aggregate counters: keys
// that sum over every run of the kind (e.g. counts per partner and status
// that a collector reads instead of every record), which the live writers
// keep in the same write as the records they sum. A full pass rebuilds
// them with the records; an incremental pass, which projects only some
// runs, leaves them as the live writers left them.
type Totals interface {
	// TotalKeys are key patterns, among Keys, of such counters.
	TotalKeys() []string
}

// TotalKeys implements Totals.
func (s Spec) TotalKeys() []string { return s.TotalKeyPatterns }

// dropTotals removes r's total keys from m, for an incremental pass.
func dropTotals(r Reconciler, m *Model) {
	t, ok := r.(Totals)
	if !ok {
		return
	}
	for key := range m.keys {
		for _, p := range t.TotalKeys() {
			if match(p, key) {
				delete(m.keys, key)
				break
			}
		}
	}
}

// HDel removes a hash field, e.g. a counter a projection took back to 0
// (live writers delete those, so a rebuild must not keep them as "0").
func (m *Model) HDel(key, field string) {
	if e, ok := m.keys[key]; ok && e.typ == typeHash {
		delete(e.hash, field)
	}
}

package runs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// BenchmarkDecode measures the strict decoder (field paths, type checks)
// against encoding/json with DisallowUnknownFields, the baseline, on the
// same document in the same run, and prints the ratio.
//
//	go test -run '^$' -bench Decode ./runs
func BenchmarkDecode(b *testing.B) {
	raw := []byte(`{"name":"Brand i kælder","count":3,"ratio":0.5,"on":true,"at":"2026-05-06T14:00:00+02:00",
		"day":"2026-05-06","tags":["a","b","c"],"items":[{"key":"k1","size":3},{"key":"k2","size":4}],
		"values":{"x":1,"y":2},"text":"Beboerne er evakueret; politiet efterforsker."}`)
	var baseline, strict float64 // ns/op of each sub-benchmark's final (largest) round
	b.Run("json-baseline", func(b *testing.B) {
		start := time.Now()
		for range b.N {
			var s sample
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&s); err != nil {
				b.Fatal(err)
			}
		}
		baseline = float64(time.Since(start).Nanoseconds()) / float64(b.N)
	})
	b.Run("strict", func(b *testing.B) {
		start := time.Now()
		for range b.N {
			var s sample
			if err := Decode(raw, &s); err != nil {
				b.Fatal(err)
			}
		}
		strict = float64(time.Since(start).Nanoseconds()) / float64(b.N)
	})
	if baseline > 0 {
		fmt.Printf("BenchmarkDecode: strict %.0f ns/op, encoding/json baseline %.0f ns/op, ratio %.2f\n", strict, baseline, strict/baseline)
	}
}

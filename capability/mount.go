package capability

import "net/http"

// Mount lists routes that one function registers on a mux of its own:
// each pattern becomes a Route served by that mux.
func Mount(access Access, register func(mux *http.ServeMux), patterns ...string) []Route {
	mux := http.NewServeMux()
	register(mux)
	out := make([]Route, len(patterns))
	for i, p := range patterns {
		out[i] = Route{Pattern: p, Handler: mux, Access: access}
	}
	return out
}

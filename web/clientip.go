package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

type clientIPKey struct{}

// TrustProxies resolves each request's client address once, for ClientIP:
// the peer's address, unless the peer is one of the trusted proxies; then
// X-Forwarded-For is read from the right, skipping trusted proxies, and the
// first address that is not one is the client. Entries further left were
// written by the client and are ignored, so a client can neither pose as
// another nor shed its own address. Without trusted proxies
// X-Forwarded-For is never read.
func TrustProxies(trusted []netip.Prefix, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := clientAddr(trusted, r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientIPKey{}, ip)))
	})
}

// ClientIP is the request's client address, as TrustProxies resolved it;
// without TrustProxies in front, the peer address. Rate limits per client
// key on it.
func ClientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(clientIPKey{}).(string); ok {
		return ip
	}
	return peerIP(r)
}

func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func clientAddr(trusted []netip.Prefix, r *http.Request) string {
	peer := peerIP(r)
	addr, err := netip.ParseAddr(peer)
	if len(trusted) == 0 || err != nil || !isTrusted(trusted, addr) {
		return peer
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := addr
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			// Not an address (e.g. "unknown"): the last trusted hop is
			// the nearest address known for sure.
			break
		}
		client = hop
		if !isTrusted(trusted, hop) {
			break
		}
	}
	return client.String()
}

func isTrusted(trusted []netip.Prefix, a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseHop reads one X-Forwarded-For entry: an address, optionally with a
// port ("192.0.2.1:4711", "[2001:db8::1]:4711").
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}

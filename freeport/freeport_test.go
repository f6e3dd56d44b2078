package freeport

import (
	"net"
	"strconv"
	"testing"
)

// A reserved port binds at once, and while it is reserved neither port-0
// listeners nor outgoing connections are given it.
func TestReservedPortIsKeptFromOthers(t *testing.T) {
	reserved := map[int]bool{}
	for range 20 {
		p, err := Reserve("127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if reserved[p] {
			t.Fatalf("port %d reserved twice", p)
		}
		reserved[p] = true
	}
	target, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	go func() {
		for {
			c, err := target.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	// Enough port-0 listeners and outgoing connections that, without the
	// reservation, some would land on the 20 ports (a range of ~28,000).
	for range 3000 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if p := l.Addr().(*net.TCPAddr).Port; reserved[p] {
			t.Errorf("port-0 listener given reserved port %d", p)
		}
		l.Close()
		c, err := net.Dial("tcp", target.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		if p := c.LocalAddr().(*net.TCPAddr).Port; reserved[p] {
			t.Errorf("outgoing connection given reserved port %d", p)
		}
		c.Close()
	}
	for p := range reserved {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			t.Fatalf("bind reserved port: %v", err)
		}
		l.Close()
	}
}

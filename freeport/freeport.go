// Package freeport picks TCP ports for servers that bind them later, as
// the embedded Temporal server does with its eight service ports.
//
// A port found by listening on port 0 and closing again is at once back in
// the kernel's ephemeral range: the next outgoing connection (to Redis, to
// the frontend) may take it before the server binds it, and the embedded
// server then stops the whole process. A reserved port is held in
// TIME_WAIT by a connection to itself, so for about a minute the kernel
// neither gives it to an outgoing connection nor to another port-0
// listener, while a listener that sets SO_REUSEADDR (every Go, Redis and
// PostgreSQL listener) binds it at once.
package freeport

import (
	"fmt"
	"net"
	"strconv"
)

// Reserve returns a free port on host, reserved as the package says.
func Reserve(host string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("find a free port on %s: %w", host, err)
	}
	defer l.Close()
	client, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		return 0, fmt.Errorf("reserve port %s: %w", l.Addr(), err)
	}
	server, err := l.Accept()
	if err != nil {
		client.Close()
		return 0, fmt.Errorf("reserve port %s: %w", l.Addr(), err)
	}
	// The side that closes first keeps TIME_WAIT: the accepted socket,
	// whose local port is the one reserved.
	server.Close()
	client.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Addr is Reserve on 127.0.0.1 as a host:port.
func Addr() (string, error) {
	port, err := Reserve("127.0.0.1")
	if err != nil {
		return "", err
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), nil
}

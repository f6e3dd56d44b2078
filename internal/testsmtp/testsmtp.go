// Package testsmtp is a small SMTP server on 127.0.0.1 for tests: it
// accepts every message and keeps it, and it can be stopped and started
// again on the same port to play a mail-server outage. It speaks the plain
// subset of RFC 5321 the mailer uses (no TLS, no authentication).
package testsmtp

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one accepted message.
type Message struct {
	From string
	To   []string
	Data string // headers and body as received, dot-unstuffed
}

// Server is a running (or stopped) server. Its address stays the same
// across Stop and Start.
type Server struct {
	Addr string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
	msgs  []Message
	wg    sync.WaitGroup
}

// Start listens on a free loopback port; the server stops when t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{Addr: "127.0.0.1:0", conns: map[net.Conn]bool{}}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// URL is the SMTP_URL that reaches the server.
func (s *Server) URL() string { return "smtp://" + s.Addr }

// Start (re)opens the listener on Addr.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.ln, s.Addr = ln, ln.Addr().String()
	s.mu.Unlock()
	s.wg.Add(1)
	go s.accept(ln)
	return nil
}

// Stop closes the listener and every open connection: from now on a
// client's dial is refused.
func (s *Server) Stop() {
	s.mu.Lock()
	if s.ln != nil {
		s.ln.Close()
		s.ln = nil
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Messages are the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Count is how many accepted messages contain substr.
func (s *Server) Count(substr string) int {
	n := 0
	for _, m := range s.Messages() {
		if strings.Contains(m.Data, substr) {
			n++
		}
	}
	return n
}

func (s *Server) accept(ln net.Listener) {
	defer s.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serve(c)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
			c.Close()
		}()
	}
}

func (s *Server) serve(c net.Conn) {
	r := bufio.NewReader(c)
	reply := func(line string) bool {
		_ = c.SetWriteDeadline(time.Now().Add(10 * time.Second))
		_, err := c.Write([]byte(line + "\r\n"))
		return err == nil
	}
	if !reply("220 testsmtp ready") {
		return
	}
	var cur Message
	for {
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		ok := true
		switch verb {
		case "EHLO":
			ok = reply("250-testsmtp") && reply("250-8BITMIME") && reply("250 SMTPUTF8")
		case "HELO":
			ok = reply("250 testsmtp")
		case "MAIL":
			cur = Message{From: address(line)}
			ok = reply("250 OK")
		case "RCPT":
			cur.To = append(cur.To, address(line))
			ok = reply("250 OK")
		case "DATA":
			if !reply("354 end with <CRLF>.<CRLF>") {
				return
			}
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if strings.TrimRight(l, "\r\n") == "." {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			cur.Data = b.String()
			s.mu.Lock()
			s.msgs = append(s.msgs, cur)
			s.mu.Unlock()
			cur = Message{}
			ok = reply("250 OK queued")
		case "RSET":
			cur = Message{}
			ok = reply("250 OK")
		case "QUIT":
			reply("221 bye")
			return
		default: // NOOP and whatever else
			ok = reply("250 OK")
		}
		if !ok {
			return
		}
	}
}

// address is the <…> part of a MAIL FROM or RCPT TO line.
func address(line string) string {
	i, j := strings.Index(line, "<"), strings.Index(line, ">")
	if i < 0 || j < i {
		return ""
	}
	return line[i+1 : j]
}

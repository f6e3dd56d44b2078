// Package testsmtp is a small SMTP server on 127.0.0.1 for tests: it
// accepts every message and keeps it, and it can be stopped and started
// again on the same port to play a mail-server outage. By default it offers
// STARTTLS with a certificate made for the test (trusted through CAFile,
// i.e. SMTP_CA_FILE), so tests run the mailer's default, TLS-required path;
// it can also speak implicit TLS (smtps://) or plain SMTP only. It accepts
// AUTH PLAIN with any credentials and records the user name.
package testsmtp

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Security is how the server protects a connection.
type Security int

const (
	// StartTLS offers STARTTLS on a plain connection (smtp://, the default).
	StartTLS Security = iota
	// ImplicitTLS speaks TLS from the first byte (smtps://).
	ImplicitTLS
	// Plain offers no TLS at all, like an old relay.
	Plain
)

// Message is one accepted message.
type Message struct {
	From string
	To   []string
	Data string // headers and body as received, dot-unstuffed
	TLS  bool   // the message arrived over TLS
	User string // the AUTH PLAIN user, "" without AUTH
}

// Server is a running (or stopped) server. Its address stays the same
// across Stop and Start.
type Server struct {
	Addr     string
	Security Security
	// CAFile is a PEM file with the certificate the server presents; a
	// client that trusts it (SMTP_CA_FILE) verifies the server.
	CAFile string

	tls   *tls.Config
	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
	msgs  []Message
	wg    sync.WaitGroup
}

// Start listens on a free loopback port with STARTTLS; the server stops
// when t ends.
func Start(t testing.TB) *Server { return StartWith(t, StartTLS) }

// StartWith is Start with the given security.
func StartWith(t testing.TB, sec Security) *Server {
	t.Helper()
	cfg, caPEM, err := selfSigned()
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "testsmtp-ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: "127.0.0.1:0", Security: sec, CAFile: caFile, tls: cfg, conns: map[net.Conn]bool{}}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// URL is the SMTP_URL that reaches the server.
func (s *Server) URL() string {
	if s.Security == ImplicitTLS {
		return "smtps://" + s.Addr
	}
	return "smtp://" + s.Addr
}

// Env is the configuration that sends through the server with TLS
// required: SMTP_URL and SMTP_CA_FILE.
func (s *Server) Env() map[string]string {
	return map[string]string{"SMTP_URL": s.URL(), "SMTP_CA_FILE": s.CAFile}
}

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

func (s *Server) serve(raw net.Conn) {
	c, encrypted := raw, false
	if s.Security == ImplicitTLS {
		c, encrypted = tls.Server(raw, s.tls), true
	}
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
	var user string
	for {
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		fields := strings.Fields(line)
		verb := ""
		if len(fields) > 0 {
			verb = strings.ToUpper(fields[0])
		}
		ok := true
		switch verb {
		case "EHLO":
			ext := []string{"testsmtp", "8BITMIME", "AUTH PLAIN"}
			if s.Security == StartTLS && !encrypted {
				ext = append(ext, "STARTTLS")
			}
			ext = append(ext, "SMTPUTF8")
			for i, e := range ext {
				sep := "-"
				if i == len(ext)-1 {
					sep = " "
				}
				if ok = reply("250" + sep + e); !ok {
					break
				}
			}
		case "HELO":
			ok = reply("250 testsmtp")
		case "STARTTLS":
			if s.Security != StartTLS || encrypted {
				ok = reply("502 STARTTLS not offered")
				break
			}
			if !reply("220 go ahead") {
				return
			}
			tc := tls.Server(raw, s.tls)
			_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
			if err := tc.Handshake(); err != nil {
				return
			}
			c, r, encrypted = tc, bufio.NewReader(tc), true
			cur, user = Message{}, ""
		case "AUTH":
			if len(fields) < 2 || !strings.EqualFold(fields[1], "PLAIN") {
				ok = reply("504 only AUTH PLAIN")
				break
			}
			resp := ""
			if len(fields) > 2 {
				resp = fields[2]
			} else {
				if !reply("334 ") {
					return
				}
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				resp = strings.TrimSpace(l)
			}
			b, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(b), "\x00")
			if err != nil || len(parts) != 3 {
				ok = reply("501 malformed AUTH PLAIN")
				break
			}
			user = parts[1]
			ok = reply("235 authenticated")
		case "MAIL":
			cur = Message{From: address(line), TLS: encrypted, User: user}
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

// selfSigned makes a certificate for 127.0.0.1 and localhost that is its
// own CA, and returns the server's TLS configuration and the PEM to trust.
func selfSigned() (*tls.Config, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("testsmtp: key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "testsmtp"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("testsmtp: certificate: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	return cfg, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// Command clusterctl is the Go half of scripts/cluster: it hands out free
// loopback ports, writes the test plan, and registers the Temporal
// namespace and helhed's search attributes on a running server, as the
// temporal-namespace job of docker-compose.yml does with the temporal CLI.
//
//	clusterctl ports N                      N free loopback TCP ports, one a line
//	clusterctl plan DIR                     the test plan around today, written under DIR; prints its path
//	clusterctl namespace ADDR NS RETENTION  waits for the server, registers NS and the search attributes;
//	                                        prints "search attributes: added" or "…: present"
package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"

	"helhed/internal/testplan"
	"helhed/searchattr"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "clusterctl:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: clusterctl ports N | plan DIR | namespace ADDR NS RETENTION")
	}
	switch cmd, rest := args[0], args[1:]; {
	case cmd == "ports" && len(rest) == 1:
		n, err := strconv.Atoi(rest[0])
		if err != nil {
			return fmt.Errorf("ports: %w", err)
		}
		return ports(n)
	case cmd == "plan" && len(rest) == 1:
		p, err := testplan.Around(testplan.Today())
		if err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		path, err := testplan.Write(rest[0], p)
		if err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		fmt.Println(path)
		return nil
	case cmd == "namespace" && len(rest) == 3:
		retention, err := time.ParseDuration(rest[2])
		if err != nil {
			return fmt.Errorf("namespace: retention: %w", err)
		}
		return registerNamespace(rest[0], rest[1], retention)
	}
	return fmt.Errorf("unknown command or wrong arguments: %q", args)
}

// ports picks free ports below 32768, under the kernel's ephemeral range
// (so no outgoing connection takes one before its process starts) and
// within what Temporal's cluster_membership table stores (a smallint). It
// holds every listener open until all are chosen, so the N ports differ.
func ports(n int) error {
	const low, high = 20000, 32767
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for tries := 0; len(ls) < n; tries++ {
		if tries > 10000 {
			return fmt.Errorf("ports: found only %d free ports in %d–%d", len(ls), low, high)
		}
		port := low + rand.IntN(high-low+1)
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue
		}
		ls = append(ls, l)
		fmt.Println(port)
	}
	return nil
}

// registerNamespace waits up to two minutes for the frontend, then
// registers the namespace and the search attributes it lacks.
func registerNamespace(addr, ns string, retention time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var c client.Client
	for {
		var err error
		c, err = client.Dial(client.Options{HostPort: addr, Namespace: ns})
		if err == nil {
			if _, err = c.CheckHealth(ctx, &client.CheckHealthRequest{}); err == nil {
				break
			}
			c.Close()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("temporal at %s not healthy: %w", addr, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
	defer c.Close()

	_, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: ns})
	var notFound *serviceerror.NamespaceNotFound
	switch {
	case errors.As(err, &notFound):
		if _, err := c.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
			Namespace: ns, WorkflowExecutionRetentionPeriod: durationpb.New(retention),
		}); err != nil {
			return fmt.Errorf("register namespace %s: %w", ns, err)
		}
		fmt.Printf("namespace %s: registered (retention %s)\n", ns, retention)
	case err != nil:
		return fmt.Errorf("describe namespace %s: %w", ns, err)
	default:
		fmt.Printf("namespace %s: present\n", ns)
	}

	// A namespace just registered may take a moment to reach every
	// service's cache; retry the listing until it answers.
	var existing *operatorservice.ListSearchAttributesResponse
	for {
		existing, err = c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: ns})
		if err == nil {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("list search attributes of %s: %w", ns, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
	missing := map[string]enumspb.IndexedValueType{}
	for name, typ := range searchattr.Definitions() {
		if _, ok := existing.GetCustomAttributes()[name]; !ok {
			missing[name] = typ
		}
	}
	if len(missing) == 0 {
		fmt.Println("search attributes: present")
		return nil
	}
	if _, err := c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: ns, SearchAttributes: missing,
	}); err != nil {
		return fmt.Errorf("add search attributes to %s: %w", ns, err)
	}
	fmt.Println("search attributes: added")
	return nil
}

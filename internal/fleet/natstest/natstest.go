// Package natstest starts real NATS servers with JetStream inside a test
// process, on loopback: one node, or a cluster of three that a test may
// stop a node of. Only tests import it, so the nats-server module is not
// part of the scrutin binary.
package natstest

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// Cluster is a set of running NATS servers.
type Cluster struct {
	t       testing.TB
	Servers []*server.Server
	opts    []*server.Options
}

// Start starts n JetStream nodes (1, or 3 for a cluster) and waits until
// the cluster has a JetStream leader. They stop when the test ends.
func Start(t testing.TB, n int) *Cluster {
	t.Helper()
	c := &Cluster{t: t}
	ports := freePorts(t, n)
	var routes []*url.URL
	if n > 1 {
		for _, p := range ports {
			routes = append(routes, &url.URL{Scheme: "nats", Host: fmt.Sprintf("127.0.0.1:%d", p)})
		}
	}
	for i := range n {
		o := &server.Options{
			ServerName: fmt.Sprintf("n%d", i+1), Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true,
			JetStream: true, StoreDir: t.TempDir(), MaxPayload: 1 << 20,
		}
		if n > 1 {
			o.Cluster = server.ClusterOpts{Name: "scrutin-test", Host: "127.0.0.1", Port: ports[i]}
			o.Routes = routes
		}
		c.opts = append(c.opts, o)
		c.Servers = append(c.Servers, c.start(o))
	}
	t.Cleanup(c.Shutdown)
	c.WaitForLeader(30 * time.Second)
	return c
}

func (c *Cluster) start(o *server.Options) *server.Server {
	c.t.Helper()
	s, err := server.NewServer(o)
	if err != nil {
		c.t.Fatal(err)
	}
	s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		c.t.Fatalf("NATS server %s did not start", o.ServerName)
	}
	return s
}

// URLs is the comma-separated client URLs of the running nodes, as
// nats.Connect takes them.
func (c *Cluster) URLs() string {
	var us []string
	for _, s := range c.Servers {
		if s != nil && s.Running() {
			us = append(us, s.ClientURL())
		}
	}
	return strings.Join(us, ",")
}

// Connect connects to the cluster, reconnecting for ever.
func (c *Cluster) Connect() *nats.Conn {
	c.t.Helper()
	nc, err := nats.Connect(c.URLs(), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(nc.Close)
	return nc
}

// Stop shuts node i down (it does not come back).
func (c *Cluster) Stop(i int) {
	c.Servers[i].Shutdown()
	c.Servers[i].WaitForShutdown()
}

// Shutdown stops every node.
func (c *Cluster) Shutdown() {
	for _, s := range c.Servers {
		if s != nil {
			s.Shutdown()
		}
	}
}

// WaitForLeader waits until JetStream answers on every running node.
func (c *Cluster) WaitForLeader(d time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(d)
	for _, s := range c.Servers {
		if !s.Running() {
			continue
		}
		for !s.JetStreamIsCurrent() || (len(c.Servers) > 1 && !s.JetStreamIsClustered()) {
			if time.Now().After(deadline) {
				c.t.Fatalf("JetStream has no leader after %s", d)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// A meta leader is elected once the nodes agree.
	for {
		leader := false
		for _, s := range c.Servers {
			if s.Running() && s.JetStreamIsLeader() {
				leader = true
			}
		}
		if leader || len(c.Servers) == 1 {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("JetStream has no meta leader after %s", d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

package oauth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

// probeTimeout bounds the "is anyone answering on localhost:PORT" check.
const probeTimeout = 300 * time.Millisecond

// listenFirst binds the first usable port of ports on both loopback
// addresses. When none works it returns a *PortError for the first port.
func listenFirst(ctx context.Context, ports []int) ([]net.Listener, int, error) {
	var first *PortError
	for _, p := range ports {
		lns, port, err := listenLoopback(ctx, p)
		if err == nil {
			return lns, port, nil
		}
		if ctx.Err() != nil {
			return nil, 0, fmt.Errorf("listen: %w", ErrCanceled)
		}
		var pe *PortError
		if first == nil && errors.As(err, &pe) {
			first = pe
		}
	}
	if first == nil {
		return nil, 0, errors.New("listen: no callback port configured")
	}
	first.Ports = append([]int(nil), ports...)
	return nil, 0, first
}

// listenLoopback binds 127.0.0.1:port and [::1]:port (the latter only when
// the machine has IPv6). Port 0 picks a free port usable on both.
func listenLoopback(ctx context.Context, port int) ([]net.Listener, int, error) {
	if port < 0 || port > 65535 {
		return nil, 0, &PortError{Port: port, Err: errors.New("not a valid TCP port")}
	}
	if port != 0 && answers(ctx, port) {
		// Like the Salesforce CLI: never hand a code to an unknown listener.
		return nil, 0, &PortError{Port: port, InUse: true}
	}
	var lc net.ListenConfig
	for attempt := 0; ; attempt++ {
		v4, err := lc.Listen(ctx, "tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			return nil, 0, portErr(port, err)
		}
		got := v4.Addr().(*net.TCPAddr).Port
		v6, err := lc.Listen(ctx, "tcp6", net.JoinHostPort("::1", strconv.Itoa(got)))
		switch {
		case err == nil:
			return []net.Listener{v4, v6}, got, nil
		case isNoIPv6(err):
			return []net.Listener{v4}, got, nil
		}
		_ = v4.Close()
		if port == 0 && isAddrInUse(err) && attempt < 10 {
			continue // the free IPv4 port is taken on ::1: pick another
		}
		return nil, 0, portErr(got, err)
	}
}

func portErr(port int, err error) *PortError {
	return &PortError{Port: port, InUse: isAddrInUse(err), Forbidden: isAccessDenied(err), Err: err}
}

// answers reports whether something accepts connections on
// localhost:port, on either loopback address.
func answers(ctx context.Context, port int) bool {
	d := net.Dialer{Timeout: probeTimeout}
	for _, host := range []string{"127.0.0.1", "::1"} {
		c, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err == nil {
			_ = c.Close()
			return true
		}
	}
	return false
}

package events

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// forwardAndAnswer sends the event to the app and answers Open Connectors
// with the app's status (502 when the app cannot be reached), or with 504
// once AnswerWithin has passed; then the forward goes on, up to
// ForwardTimeout, and the event is reported when it ends.
func (r *Receiver) forwardAndAnswer(w http.ResponseWriter, req *http.Request, body []byte, ev *Event, report func()) {
	r.mu.Lock()
	if r.closing {
		r.mu.Unlock()
		ev.Status, ev.Problem = http.StatusServiceUnavailable, joinProblem(ev.Problem, "not forwarded: the receiver is stopping")
		answer(w, ev.Status, "stopping")
		report()
		return
	}
	r.wg.Add(1)
	r.mu.Unlock()

	// What is forwarded is copied now: the request is the server's once
	// the handler returns, and the forward may outlive it.
	method, header := req.Method, forwardHeader(req.Header)
	done := make(chan ForwardResult)
	gaveUp := make(chan struct{})
	go func() {
		defer r.wg.Done()
		res := r.send(method, header, body)
		select {
		case done <- res:
		case <-gaveUp:
			// The handler has answered and no longer touches ev.
			res.Late = true
			ev.Forward = &res
			report()
		}
	}()

	timer := time.NewTimer(r.o.AnswerWithin)
	defer timer.Stop()
	select {
	case res := <-done:
		ev.Forward = &res
		switch {
		case res.Status >= 200 && res.Status <= 599:
			ev.Status = res.Status
		default:
			ev.Status = http.StatusBadGateway
		}
		answer(w, ev.Status, http.StatusText(ev.Status))
		report()
	case <-timer.C:
		ev.Status = http.StatusGatewayTimeout
		ev.Problem = joinProblem(ev.Problem, fmt.Sprintf("the app had not answered within %s, so Open Connectors was answered 504", r.o.AnswerWithin))
		close(gaveUp)
		answer(w, http.StatusGatewayTimeout, "the app did not answer in time")
	case <-req.Context().Done():
		ev.Status = 0
		ev.Problem = joinProblem(ev.Problem, "the sender hung up while the app was being asked")
		close(gaveUp)
	}
}

// forwardHeader is what of the delivery's headers goes to the app: the
// Elements-* headers and Content-Type, nothing else (no cookie, no
// credentials a sender may have added).
func forwardHeader(in http.Header) http.Header {
	out := http.Header{}
	for k, vs := range in {
		if strings.HasPrefix(k, "Elements-") || k == "Content-Type" {
			out[k] = append([]string(nil), vs...)
		}
	}
	return out
}

// send forwards the event to the app and says what came of it.
func (r *Receiver) send(method string, header http.Header, body []byte) ForwardResult {
	ctx, cancel := context.WithTimeout(r.ctx, r.o.ForwardTimeout)
	defer cancel()
	start := time.Now()
	out, err := http.NewRequestWithContext(ctx, method, r.forward.String(), bytes.NewReader(body))
	if err != nil {
		return ForwardResult{Error: "the request to the app could not be made"}
	}
	out.Header = header
	out.Header.Set("Via", r.via)
	resp, err := r.client.Do(out)
	took := time.Since(start)
	if err != nil {
		return ForwardResult{Error: forwardProblem(ctx, err, r.o.ForwardTimeout), Took: took}
	}
	// Read a little of the answer so the connection can be reused; the
	// app's body is not shown.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return ForwardResult{Status: resp.StatusCode, Took: took}
}

// isLoop reports a request that is one of this receiver's own forwards.
func (r *Receiver) isLoop(req *http.Request) bool {
	for _, v := range req.Header.Values("Via") {
		if strings.Contains(v, r.via) {
			return true
		}
	}
	return false
}

// forwardProblem says in a few words why the app gave no answer, without
// the URL, which the user knows.
func forwardProblem(ctx context.Context, err error, timeout time.Duration) string {
	var opErr *net.OpError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Sprintf("no answer within %s", timeout)
	case errors.Is(ctx.Err(), context.Canceled):
		return "stopped: the receiver is closing"
	case errors.As(err, &opErr) && opErr.Op == "dial":
		if opErr.Err != nil {
			return "unreachable: " + cut(opErr.Err.Error(), 120)
		}
		return "unreachable"
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return "failed: " + cut(err.Error(), 120)
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxWakeReply caps how much of a wake endpoint's answer is read.
const maxWakeReply = 64 << 10

// runWake sends a test wakeup: POST to a wake URL (the node's
// /v1/wake/{token}, as a contact or app server would).
//
//	pnctl wake [--ttl 1h] [--body TEXT] URL
func runWake(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wake", flag.ContinueOnError)
	ttl := fs.Duration("ttl", 0, "how long the push service may hold the wakeup for an offline device (0: its default)")
	body := fs.String("body", "", "request body (the node ignores it; at most 4 KiB)")
	timeout := fs.Duration("timeout", 30*time.Second, "request timeout")
	jsonOut := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("wake: want one URL, http(s)://node/v1/wake/{token}")
	}
	u, err := url.Parse(fs.Arg(0))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.Contains(u.Path, "/v1/wake/") {
		return fmt.Errorf("wake: %q is not a wake URL (http(s)://node/v1/wake/{token})", fs.Arg(0))
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(*body))
	if err != nil {
		return err
	}
	if *ttl > 0 {
		req.Header.Set("TTL", strconv.FormatInt(int64(*ttl/time.Second), 10))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("wake: %w", err)
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, maxWakeReply))
	if resp.StatusCode != http.StatusCreated {
		var e struct {
			Error struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		msg := strings.TrimSpace(string(reply))
		if json.Unmarshal(reply, &e) == nil && e.Error.Code != 0 {
			msg = fmt.Sprintf("%d %s", e.Error.Code, e.Error.Message)
		}
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			msg += " (retry after " + ra + "s)"
		}
		return fmt.Errorf("wake: %s: %s", resp.Status, msg)
	}
	id := strings.TrimPrefix(resp.Header.Get("Location"), "/v1/wake/message/")
	if *jsonOut {
		return json.NewEncoder(stdout).Encode(map[string]string{"status": resp.Status, "id": id})
	}
	fmt.Fprintf(stdout, "queued: wakeup %s\n", id)
	return nil
}

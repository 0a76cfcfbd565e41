package h2client

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// FuzzReplies feeds arbitrary server bytes (after a valid SETTINGS frame)
// to a connection with one request in flight. Whatever the bytes, the
// request must end, with an error or a well-formed reply, before its
// deadline plus a margin, and nothing may panic.
func FuzzReplies(f *testing.F) {
	hdr := func(id uint32, end bool, kv ...string) []byte {
		var flags http2.Flags = http2.FlagHeadersEndHeaders
		if end {
			flags |= http2.FlagHeadersEndStream
		}
		block := encodeHeaders(kv...)
		return append(appendFrameHeader(nil, len(block), http2.FrameHeaders, flags, id), block...)
	}
	f.Add(hdr(1, true, ":status", "200"))
	f.Add(append(hdr(1, false, ":status", "410"), appendFrameHeader(nil, 2, http2.FrameData, http2.FlagDataEndStream, 1)...))
	f.Add(appendRSTStream(nil, 1, http2.ErrCodeRefusedStream))
	f.Add(appendWindowUpdate(nil, 0, 1<<31-1))
	f.Add(appendFrameHeader(nil, 8, http2.FrameGoAway, 0, 0))
	f.Add(hdr(3, true, ":status", "200"))
	f.Add(hdr(1, true, ":status", "abc"))
	f.Add(appendPing(nil, false, [8]byte{}))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := New(Config{
			Dial: func(ctx context.Context) (net.Conn, error) {
				client, server := net.Pipe()
				go func() {
					defer server.Close()
					go io.Copy(io.Discard, server)
					b := appendFrameHeader(nil, 0, http2.FrameSettings, 0, 0)
					b = append(b, data...)
					server.Write(b) // returns once the client has read it all
				}()
				return client, nil
			},
			PingInterval: time.Second, PingTimeout: time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer tr.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "POST", "https://fake/3/device/x", http.NoBody)
		done := make(chan struct{})
		go func() {
			defer close(done)
			resp, err := tr.RoundTrip(req)
			if err == nil && (resp.StatusCode < 200 || resp.StatusCode > 599 || resp.Body == nil) {
				t.Errorf("malformed reply accepted: %+v", resp)
			}
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("request did not end")
		}
	})
}

package h2client

import (
	"bytes"
	"net/http"
	"testing"

	"golang.org/x/net/http2/hpack"
)

func hpackDecoder() *hpack.Decoder { return hpack.NewDecoder(4096, nil) }

// encodeHeaders HPACK-encodes name/value pairs with a fresh encoder whose
// dynamic table is never used, so blocks from it can be sent in any order.
func encodeHeaders(kv ...string) []byte {
	var buf bytes.Buffer
	enc := hpack.NewEncoder(&buf)
	for i := 0; i+1 < len(kv); i += 2 {
		enc.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1], Sensitive: true})
	}
	return buf.Bytes()
}

func TestKnownReplyHeadersCanonical(t *testing.T) {
	for name, canon := range knownReplyHeaders {
		if got := http.CanonicalHeaderKey(name); got != canon {
			t.Errorf("%s: %s, CanonicalHeaderKey gives %s", name, canon, got)
		}
	}
}

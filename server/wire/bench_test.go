package wire

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkDecodePublish: one pn_publish frame with a 512-byte payload,
// decoded as the node does (frame, then params).
func BenchmarkDecodePublish(b *testing.B) {
	payload := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("x", 512)))
	frame := []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":17,"method":"pn_publish","params":[{"contentTopic":"/app/1/chat/proto","pubsubTopic":"/waku/2/rs/16/32","payload":%q,"timestamp":1763942400000000000}]}`, payload))
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := DecodeFrame(frame, 1<<20, 100)
		if err != nil {
			b.Fatal(err)
		}
		var e Envelope
		if err := DecodeParams(f.Requests[0].Params, &e); err != nil {
			b.Fatal(err)
		}
	}
}

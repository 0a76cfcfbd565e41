package wire

import (
	"encoding/json"
	"testing"
)

var frameSeeds = []string{
	`{"jsonrpc":"2.0","id":1,"method":"pn_publish","params":[{"contentTopic":"/a/1/b/proto","payload":"aGk=","timestamp":1700000000000000000}]}`,
	`{"jsonrpc":"2.0","id":"x","method":"pn_history","params":[{"contentTopics":["a","b"],"startTime":1,"endTime":9,"limit":10,"cursor":"AAEC"}]}`,
	`[{"jsonrpc":"2.0","id":1,"method":"pn_nodeInfo"},{"jsonrpc":"2.0","method":"pn_auth","params":[{"signature":"0x00"}]}]`,
	`{"jsonrpc":"2.0","id":null,"method":"pn_subscribe","params":[{"contentTopics":["a"]}]}`,
	`[]`, `{`, `"x"`, `[1,2]`,
}

// FuzzDecodeFrame checks that the frame and params decoders never panic,
// respect the caps, and that any request they accept re-encodes and decodes to
// the same method and id.
func FuzzDecodeFrame(f *testing.F) {
	for _, s := range frameSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := DecodeFrame(b, 4096, 4)
		if err != nil {
			return
		}
		if len(b) > 4096 || len(fr.Requests) > 4 || len(fr.Requests) == 0 {
			t.Fatalf("caps not enforced: %d bytes, %d requests", len(b), len(fr.Requests))
		}
		for _, r := range fr.Requests {
			if r.Check() != nil {
				continue
			}
			out, err := json.Marshal(r)
			if err != nil {
				t.Fatalf("re-encode: %v", err)
			}
			again, err := DecodeFrame(out, 1<<20, 4)
			if err != nil || len(again.Requests) != 1 {
				t.Fatalf("round trip of %s: %v", out, err)
			}
			if again.Requests[0].Method != r.Method {
				t.Fatalf("method changed: %q -> %q", r.Method, again.Requests[0].Method)
			}
			var h HistoryParams
			var e Envelope
			var s SubscribeParams
			_ = DecodeParams(r.Params, &h)
			_ = DecodeParams(r.Params, &e)
			_ = DecodeParams(r.Params, &s)
			_ = h.Validate()
			_ = s.Validate()
		}
	})
}

// FuzzDecodeEnvelope checks the envelope decoder: no panics, caps enforced,
// and an accepted envelope round-trips with the same hash.
func FuzzDecodeEnvelope(f *testing.F) {
	f.Add([]byte(`{"contentTopic":"/a/1/b/proto","payload":"aGk=","timestamp":1700000000000000000}`))
	f.Add([]byte(`{"contentTopic":"t","pubsubTopic":"p","meta":"bQ==","payload":"","timestamp":1,"ephemeral":true}`))
	f.Add([]byte(`{"contentTopic":"t","timestamp":1,"hash":"0x64cce733fed134e83da02b02c6f689814872b1a0ac97ea56b76095c3c72bfe05"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := DecodeEnvelope(b, 1024)
		if err != nil {
			return
		}
		if len(e.Payload) > 1024 || len(e.Meta) > MaxMeta {
			t.Fatalf("caps not enforced")
		}
		out, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		again, err := DecodeEnvelope(out, 1024)
		if err != nil {
			t.Fatalf("re-decode %s: %v", out, err)
		}
		if again.ComputeHash() != e.ComputeHash() {
			t.Fatal("hash changed across round trip")
		}
	})
}

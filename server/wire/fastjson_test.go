package wire

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// fastSeeds cover the plain forms the fast paths take and the forms they
// must hand to encoding/json.
var fastSeeds = []string{
	`[{"contentTopic":"/a/1/b/proto","payload":"aGk=","timestamp":1763942400000000000}]`,
	`[{"contentTopic":"t","pubsubTopic":"p","meta":"bQ==","payload":"","timestamp":-9223372036854775808,"ephemeral":true}]`,
	`[{"contentTopic":"t","timestamp":9223372036854775808}]`,
	`[{"contentTopic":"t","timestamp":1e3}]`,
	`[{"contentTopic":"t","timestamp":"1"}]`,
	`[{"contentTopic":"t\u0041","timestamp":1}]`,
	`[{"contentTopic":"t","ContentTopic":"u","timestamp":1}]`,
	`[{"contentTopic":"t","contentTopic":"u","timestamp":1}]`,
	`[{"contentTopic":"t","timestamp":1,"hash":"0x64cce733fed134e83da02b02c6f689814872b1a0ac97ea56b76095c3c72bfe05"}]`,
	`[{"contentTopic":"t","timestamp":1,"hash":"0x00"}]`,
	`[{"contentTopic":"t","timestamp":1,"extra":1}]`,
	`[{"contentTopic":"\xff","timestamp":1}]`,
	`[{"contentTopic":"é<&>","timestamp":1,"payload":null}]`,
	`[{"contentTopic":"t","timestamp":1},2]`,
	`[{"contentTopic":"t","timestamp":1} , {"contentTopics":["a"]} ]`,
	`[{"contentTopics":["a","b"],"startTime":1,"endTime":9,"limit":10,"cursor":"AAEC","forward":true}]`,
	`[{"contentTopic":"t","timestamp":1}`, `[1,]`, `[[[[[]]]]]`, `null`, `{}`, `[]`, ` [ ] `,
}

// FuzzFastPaths checks that the reflection-free paths agree with
// encoding/json: same decoded values, same errors, same bytes out.
func FuzzFastPaths(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	for _, s := range frameSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkFrameFast(t, b)
		checkParamsFast(t, b)
	})
}

func checkFrameFast(t *testing.T, b []byte) {
	t.Helper()
	r, ok := decodeRequestFast(b)
	if !ok {
		return
	}
	var want Request
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatalf("fast path accepted %q, encoding/json: %v", b, err)
	}
	if r.Version != want.Version || r.Method != want.Method || !bytes.Equal(r.ID, want.ID) || !bytes.Equal(r.Params, want.Params) {
		t.Fatalf("%q: fast %+v, encoding/json %+v", b, r, want)
	}
}

func checkParamsFast(t *testing.T, b []byte) {
	t.Helper()
	targets := []func() []any{
		func() []any { return []any{new(Envelope)} },
		func() []any { return []any{new(Envelope), new(SubscribeParams)} },
		func() []any { return []any{new(HistoryParams)} },
		func() []any { return []any{new(string)} },
	}
	for _, mk := range targets {
		fast, slow := mk(), mk()
		errFast := DecodeParams(b, fast...)
		errSlow := decodeParamsSlow(b, slow)
		if (errFast == nil) != (errSlow == nil) || errFast != nil && errFast.Error() != errSlow.Error() {
			t.Fatalf("%q into %T: fast error %v, encoding/json error %v", b, fast[0], errFast, errSlow)
		}
		if errFast == nil && !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q into %T: fast %+v, encoding/json %+v", b, fast[0], fast[0], slow[0])
		}
		if e, ok := fast[0].(*Envelope); ok && errFast == nil {
			checkEncodeFast(t, e)
		}
	}
}

func checkEncodeFast(t *testing.T, e *Envelope) {
	t.Helper()
	want, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.AppendJSON(nil); !bytes.Equal(got, want) {
		t.Fatalf("envelope encoding: fast %s, encoding/json %s", got, want)
	}
	h := e.ComputeHash()
	for _, res := range []PublishResult{{Hash: h}, {Hash: h, Stored: true}, {Hash: h, Stored: true, Duplicate: true}} {
		for _, id := range []string{"", "17", `"a"`, `"<a>"`, "null", `"\u00e9"`, "-1.5e3"} {
			got, err := EncodeResult(json.RawMessage(id), res)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(res)
			want, _ := json.Marshal(Response{Version: Version, ID: nullID(json.RawMessage(id)), Result: raw})
			if !bytes.Equal(got, want) {
				t.Fatalf("result encoding: fast %s, encoding/json %s", got, want)
			}
		}
	}
}

// TestFastPathsAgree runs the fuzz seeds as a unit test, and checks that the
// plain forms do take the fast paths (so the test above is not vacuous).
func TestFastPathsAgree(t *testing.T) {
	for _, s := range append(fastSeeds, frameSeeds...) {
		checkFrameFast(t, []byte(s))
		checkParamsFast(t, []byte(s))
	}
	frame := []byte(`{"jsonrpc":"2.0","id":17,"method":"pn_publish","params":[{"contentTopic":"/a/1/b/proto","payload":"aGk=","timestamp":1763942400000000000}]}`)
	r, ok := decodeRequestFast(frame)
	if !ok || r.Method != MethodPublish || string(r.ID) != "17" {
		t.Fatalf("plain frame not taken by the fast path: %v %+v", ok, r)
	}
	var e Envelope
	if !e.decodeFast(bytes.TrimSuffix(bytes.TrimPrefix(r.Params, []byte("[")), []byte("]"))) {
		t.Fatal("plain envelope not taken by the fast path")
	}
	if e.Timestamp != 1763942400000000000 || string(e.Payload) != "hi" || e.ContentTopic != "/a/1/b/proto" {
		t.Fatalf("decoded %+v", e)
	}
	for _, s := range []string{
		`{"contentTopic":"t\u0041","timestamp":1}`,              // escape
		`{"contentTopic":"t","contentTopic":"u","timestamp":1}`, // duplicate
		`{"ContentTopic":"t","timestamp":1}`,                    // folded key
		`{"contentTopic":"t","timestamp":1.5}`,                  // not an integer
		`{"contentTopic":"t","timestamp":9223372036854775808}`,  // overflow
		`{"contentTopic":"\xff","timestamp":1}`,                 // invalid UTF-8
	} {
		var e Envelope
		if e.decodeFast([]byte(s)) {
			t.Errorf("%s: fast path took a form it must leave to encoding/json", s)
		}
	}
}

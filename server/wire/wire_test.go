package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDecodeFrame(t *testing.T) {
	tests := map[string]struct {
		in      string
		max     int
		batch   int
		want    error
		n       int
		isBatch bool
		checkOK bool
	}{
		"single":          {in: `{"jsonrpc":"2.0","id":1,"method":"pn_nodeInfo"}`, n: 1, checkOK: true},
		"string id":       {in: `{"jsonrpc":"2.0","id":"a","method":"pn_nodeInfo","params":[]}`, n: 1, checkOK: true},
		"malformed":       {in: `{"jsonrpc":"2.0",`, want: ErrParse},
		"garbage":         {in: `hello`, want: ErrParse},
		"empty":           {in: ``, want: ErrParse},
		"not object":      {in: `42`, want: ErrInvalidRequest},
		"wrong type":      {in: `{"jsonrpc":2,"method":"x"}`, want: ErrInvalidRequest},
		"empty batch":     {in: `[]`, want: ErrEmptyBatch},
		"batch":           {in: `[{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"2.0","id":2,"method":"b"}]`, n: 2, isBatch: true, checkOK: true},
		"batch too large": {in: `[{},{},{}]`, batch: 2, want: ErrBatchTooLarge},
		"frame too large": {in: `{"jsonrpc":"2.0","id":1,"method":"pn_nodeInfo"}`, max: 10, want: ErrFrameTooLarge},
		"bad batch json":  {in: `[{"a":1},`, want: ErrParse},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			max, batch := tt.max, tt.batch
			if max == 0 {
				max = DefaultMaxFrameBytes
			}
			if batch == 0 {
				batch = DefaultMaxBatch
			}
			f, err := DecodeFrame([]byte(tt.in), max, batch)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if err != nil {
				return
			}
			if len(f.Requests) != tt.n || f.Batch != tt.isBatch {
				t.Fatalf("got %d requests batch=%v", len(f.Requests), f.Batch)
			}
			for _, r := range f.Requests {
				if err := r.Check(); (err == nil) != tt.checkOK {
					t.Fatalf("Check = %v", err)
				}
			}
		})
	}
}

func TestRequestCheck(t *testing.T) {
	tests := map[string]struct {
		in string
		ok bool
	}{
		"ok":            {`{"jsonrpc":"2.0","id":7,"method":"m"}`, true},
		"notification":  {`{"jsonrpc":"2.0","method":"m"}`, true},
		"null id":       {`{"jsonrpc":"2.0","id":null,"method":"m"}`, true},
		"object id":     {`{"jsonrpc":"2.0","id":{},"method":"m"}`, false},
		"no version":    {`{"id":1,"method":"m"}`, false},
		"no method":     {`{"jsonrpc":"2.0","id":1}`, false},
		"scalar params": {`{"jsonrpc":"2.0","id":1,"method":"m","params":5}`, false},
		"long method":   {`{"jsonrpc":"2.0","id":1,"method":"` + strings.Repeat("m", 65) + `"}`, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var r Request
			if err := json.Unmarshal([]byte(tt.in), &r); err != nil {
				t.Fatal(err)
			}
			if err := r.Check(); (err == nil) != tt.ok {
				t.Fatalf("Check() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestDecodeParams(t *testing.T) {
	var p HistoryParams
	var extra int
	if err := DecodeParams(json.RawMessage(`[{"contentTopics":["a"],"limit":5}]`), &p); err != nil {
		t.Fatal(err)
	}
	if p.Limit != 5 || p.ContentTopics[0] != "a" {
		t.Fatalf("decoded %+v", p)
	}
	for name, in := range map[string]string{
		"not array":     `{"contentTopics":["a"]}`,
		"wrong type":    `[{"limit":"five"}]`,
		"unknown field": `[{"limit":1,"bogus":true}]`,
		"too many":      `[{},{},{}]`,
	} {
		t.Run(name, func(t *testing.T) {
			if err := DecodeParams(json.RawMessage(in), &p, &extra); !errors.Is(err, ErrInvalidParams) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestEnvelopeHash(t *testing.T) {
	e := Envelope{
		PubsubTopic:  "/waku/2/default-waku/proto",
		Payload:      []byte{1, 2, 3},
		ContentTopic: "/toychat/2/huilong/proto",
		Timestamp:    0x175789bfa23f8400,
	}
	h := e.ComputeHash()
	e2 := e
	e2.Timestamp++
	if h == e2.ComputeHash() {
		t.Fatal("timestamp does not change the hash")
	}
	e3 := e
	e3.Meta = []byte{0}
	if h == e3.ComputeHash() {
		t.Fatal("meta does not change the hash")
	}
	// The published test vectors of 14/WAKU2-MESSAGE.
	payload := []byte{0x01, 0x02, 0x03, 0x04, 0x54, 0x45, 0x53, 0x54, 0x05, 0x06, 0x07, 0x08}
	vectors := map[string]struct {
		meta []byte
		want string
	}{
		"meta 12 bytes": {[]byte("super-secret"), "0x64cce733fed134e83da02b02c6f689814872b1a0ac97ea56b76095c3c72bfe05"},
		"empty meta":    {nil, "0xa2554498b31f5bcdfcbf7fa58ad1c2d45f0254f3f8110a85588ec3cf10720fd8"},
	}
	for name, v := range vectors {
		w := Envelope{
			PubsubTopic:  "/waku/2/default-waku/proto",
			Payload:      payload,
			ContentTopic: "/waku/2/default-content/proto",
			Meta:         v.meta,
			Timestamp:    0x175789bfa23f8400,
		}
		if got := w.ComputeHash().String(); got != v.want {
			t.Errorf("%s: got %s want %s", name, got, v.want)
		}
	}
}

func TestEnvelopeValidate(t *testing.T) {
	ok := Envelope{ContentTopic: "/a/1/b/proto", Payload: []byte("x"), Timestamp: 1}
	wrongHash := ok
	wrongHash.Hash = &Hash{1}
	rightHash := ok
	h := ok.ComputeHash()
	rightHash.Hash = &h
	tests := map[string]struct {
		e    Envelope
		want error
	}{
		"ok":          {ok, nil},
		"right hash":  {rightHash, nil},
		"wrong hash":  {wrongHash, ErrBadHash},
		"no topic":    {Envelope{Timestamp: 1}, ErrBadTopic},
		"ctrl topic":  {Envelope{ContentTopic: "a\nb", Timestamp: 1}, ErrBadTopic},
		"long topic":  {Envelope{ContentTopic: strings.Repeat("a", MaxTopicLen+1), Timestamp: 1}, ErrBadTopic},
		"big payload": {Envelope{ContentTopic: "a", Payload: make([]byte, 11), Timestamp: 1}, ErrPayloadTooLarge},
		"big meta":    {Envelope{ContentTopic: "a", Meta: make([]byte, 65), Timestamp: 1}, ErrMetaTooLarge},
		"zero time":   {Envelope{ContentTopic: "a"}, ErrBadTimestamp},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if err := tt.e.Validate(10); !errors.Is(err, tt.want) {
				t.Fatalf("Validate = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestEnvelopeJSONRoundTrip(t *testing.T) {
	e := Envelope{ContentTopic: "t", PubsubTopic: "p", Payload: []byte{0, 1, 255}, Meta: []byte("m"), Timestamp: 1700000000000000000}
	h := e.ComputeHash()
	e.Hash = &h
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeEnvelope(b, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Payload, e.Payload) || *got.Hash != h || got.Timestamp != e.Timestamp {
		t.Fatalf("round trip: %+v", got)
	}
}

func TestAppendSubscriptionEvent(t *testing.T) {
	e := Envelope{ContentTopic: "t", Payload: []byte("hi"), Timestamp: 5}
	ej, _ := json.Marshal(e)
	frame := AppendSubscriptionEvent(nil, "0xabc", ej)
	var n struct {
		Method string            `json:"method"`
		Params SubscriptionEvent `json:"params"`
	}
	if err := json.Unmarshal(frame, &n); err != nil {
		t.Fatalf("%v: %s", err, frame)
	}
	if n.Method != MethodSubscription || n.Params.Subscription != "0xabc" || string(n.Params.Result.Payload) != "hi" {
		t.Fatalf("bad frame %s", frame)
	}
}

func TestHistoryParamsValidate(t *testing.T) {
	tests := map[string]struct {
		p    HistoryParams
		want error
	}{
		"ok":          {HistoryParams{ContentTopics: []string{"a"}}, nil},
		"hashes only": {HistoryParams{Hashes: []Hash{{1}}}, nil},
		"nothing":     {HistoryParams{}, ErrInvalidParams},
		"11 topics":   {HistoryParams{ContentTopics: strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")}, ErrTooManyTopics},
		"range":       {HistoryParams{ContentTopics: []string{"a"}, StartTime: 5, EndTime: 4}, ErrInvalidParams},
		"neg limit":   {HistoryParams{ContentTopics: []string{"a"}, Limit: -1}, ErrInvalidParams},
		"bad topic":   {HistoryParams{ContentTopics: []string{""}}, ErrBadTopic},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if err := tt.p.Validate(); !errors.Is(err, tt.want) {
				t.Fatalf("Validate = %v, want %v", err, tt.want)
			}
		})
	}
}

package mailstore_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/pnmarket/pnmarket/server/mailstore"
)

func fuzzPlan(t testing.TB) mailstore.Plan {
	p, err := mailstore.NewPlan(mailstore.Query{
		ContentTopics: []string{"/app/1/chat/proto", "/app/1/other/proto"},
		PubsubTopic:   "/waku/2/rs/16/32",
		Start:         1_000,
		End:           1 << 62,
		Forward:       true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCursorRoundTrip(t *testing.T) {
	p := fuzzPlan(t)
	pos := mailstore.Position{Timestamp: 123_456, Hash: mailstore.Hash{1, 2, 3, 31: 9}}
	c := p.EncodeCursor(pos)
	if len(c) != mailstore.CursorLen {
		t.Fatalf("cursor length %d, want %d", len(c), mailstore.CursorLen)
	}
	got, err := p.DecodeCursor(c)
	if err != nil || got != pos {
		t.Fatalf("DecodeCursor = %+v, %v; want %+v", got, err, pos)
	}
	q := mailstore.Query{ContentTopics: []string{"/app/1/other/proto", "/app/1/chat/proto"}, PubsubTopic: "/waku/2/rs/16/32",
		Start: 1_000, End: 1 << 62, Forward: true, Limit: 3, Cursor: c}
	p2, err := mailstore.NewPlan(q)
	if err != nil || p2.After == nil || *p2.After != pos {
		t.Fatalf("NewPlan with cursor = %+v, %v", p2.After, err)
	}
	for _, outside := range []int64{999, 1 << 62} {
		if _, err := p.DecodeCursor(p.EncodeCursor(mailstore.Position{Timestamp: outside})); !errors.Is(err, mailstore.ErrBadCursor) {
			t.Errorf("cursor at %d outside the range: err = %v", outside, err)
		}
	}
}

// FuzzDecodeCursor checks that decoding arbitrary bytes never panics, and that whatever decodes is the
// canonical encoding of the decoded position.
func FuzzDecodeCursor(f *testing.F) {
	p := fuzzPlan(f)
	f.Add(p.EncodeCursor(mailstore.Position{Timestamp: 1_000}))
	f.Add(p.EncodeCursor(mailstore.Position{Timestamp: 1<<62 - 1, Hash: mailstore.Hash{0: 0xff, 31: 0xff}}))
	f.Add(p.EncodeCursor(mailstore.Position{Timestamp: 5}))
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add(bytes.Repeat([]byte{0xff}, mailstore.CursorLen))
	f.Add(append([]byte{2}, p.EncodeCursor(mailstore.Position{Timestamp: 2_000})[1:]...))
	other, _ := mailstore.NewPlan(mailstore.Query{ContentTopics: []string{"/x"}})
	f.Add(other.EncodeCursor(mailstore.Position{Timestamp: 2_000}))
	f.Fuzz(func(t *testing.T, b []byte) {
		pos, err := p.DecodeCursor(b)
		if err != nil {
			if !errors.Is(err, mailstore.ErrBadCursor) {
				t.Fatalf("error %v does not wrap ErrBadCursor", err)
			}
			return
		}
		if re := p.EncodeCursor(pos); !bytes.Equal(re, b) {
			t.Fatalf("encode(decode(%x)) = %x", b, re)
		}
		if again, err := p.DecodeCursor(p.EncodeCursor(pos)); err != nil || again != pos {
			t.Fatalf("decode(encode(%+v)) = %+v, %v", pos, again, err)
		}
	})
}

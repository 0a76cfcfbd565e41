package apnstest

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestCheckPayload(t *testing.T) {
	tests := map[string]struct {
		payload, pushType, want string
	}{
		"background":              {`{"aps":{"content-available":1},"n":"x"}`, "background", ""},
		"background spaced":       {" { \"n\" : \"}\" , \"aps\" : { \"content-available\" : 1 } } ", "background", ""},
		"background nested first": {`{"x":{"aps":{"alert":"no"}},"aps":{"content-available":1}}`, "background", ""},
		"background flag 0":       {`{"aps":{"content-available":0}}`, "background", "InvalidPushType"},
		"background with sound":   {`{"aps":{"content-available":1,"sound":"a"}}`, "background", "InvalidPushType"},
		"alert":                   {`{"aps":{"alert":{"title":"t","body":"b"},"mutable-content":1}}`, "alert", ""},
		"alert badge only":        {`{"aps":{"badge":1}}`, "alert", ""},
		"alert nothing visible":   {`{"aps":{"content-available":1}}`, "alert", "InvalidPushType"},
		"aps not an object":       {`{"aps":[1]}`, "alert", "BadPayload"},
		"array":                   {`[{"aps":{}}]`, "alert", "BadPayload"},
		"invalid":                 {`{"aps":{}`, "alert", "BadPayload"},
		"escaped quote in string": {`{"n":"a\"b","aps":{"alert":"x"}}`, "alert", ""},
		"voip anything goes":      {`{"aps":{}}`, "voip", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := checkPayload([]byte(tc.payload), tc.pushType); got != tc.want {
				t.Errorf("checkPayload = %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzCheckPayload checks the hand-written JSON walker against
// encoding/json: it never panics, and whatever it accepts is a JSON object
// whose "aps" member is an object.
func FuzzCheckPayload(f *testing.F) {
	for _, s := range []string{
		`{"aps":{"content-available":1},"n":"x"}`,
		`{"aps":{"alert":{"title":"t"},"mutable-content":1},"n":"y"}`,
		`{"n":"\"}","aps":{"badge":1}}`,
		`{"a":[{"b":"]"}],"aps":{"sound":"s"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		for _, pt := range []string{"background", "alert"} {
			if checkPayload(payload, pt) != "" {
				continue
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(payload, &m); err != nil {
				t.Fatalf("accepted %q, which is not a JSON object: %v", payload, err)
			}
			// encoding/json keeps the last of duplicate keys and unescapes
			// them, where member takes the first raw match: skip those.
			if bytes.Count(payload, []byte(`"aps"`)) > 1 || bytes.IndexByte(payload, '\\') >= 0 {
				continue
			}
			var aps map[string]json.RawMessage
			if err := json.Unmarshal(m["aps"], &aps); err != nil {
				t.Fatalf("accepted %q whose aps is not an object: %v", payload, err)
			}
		}
	})
}
